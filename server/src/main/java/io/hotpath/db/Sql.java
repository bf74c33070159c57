package io.hotpath.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * Where a repository runs its statements: the pool (one statement, autocommit) or a transaction's
 * connection. Repositories take this so the same SQL serves both.
 */
public interface Sql {
  /** Runs one prepared statement with positional parameters ($1, $2, ...). */
  Future<RowSet<Row>> query(String sql, Tuple args);

  /** Runs one prepared statement once per parameter tuple, as a single batch. */
  Future<RowSet<Row>> batch(String sql, java.util.List<Tuple> args);

  /** Both kinds of statement through one path: where and how it runs is the subclass's. */
  abstract class Statements implements Sql {
    /** Runs {@code statement} (named {@code sql} for the observer) where this client runs it. */
    protected abstract Future<RowSet<Row>> run(
        String sql,
        java.util.function.Function<io.vertx.sqlclient.SqlClient, Future<RowSet<Row>>> statement);

    @Override
    public final Future<RowSet<Row>> query(String sql, Tuple args) {
      return run(sql, c -> c.preparedQuery(sql).execute(args));
    }

    @Override
    public final Future<RowSet<Row>> batch(String sql, java.util.List<Tuple> args) {
      return run(sql, c -> c.preparedQuery(sql).executeBatch(args));
    }
  }
}
