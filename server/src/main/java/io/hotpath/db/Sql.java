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
}
