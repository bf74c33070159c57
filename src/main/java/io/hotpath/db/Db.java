package io.hotpath.db;

import io.hotpath.error.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The one door to PostgreSQL: every statement Hotpath runs passes here, so it can be counted (the
 * N+1 tests read {@link #statementsExecuted()}), timed and, later, traced.
 *
 * <p>The pool is the reactive client's: connections are pipelined (DB_PIPELINING_LIMIT) and
 * prepared statements are cached per connection. Connection-level failures (database down, pool
 * queue full) become {@link ApiException.Unavailable} so clients get a fast 503, not a hang.
 */
public final class Db implements Sql {
  private final Pool pool;
  private final LongAdder statements = new LongAdder();

  public Db(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<RowSet<Row>> query(String sql, Tuple args) {
    statements.increment();
    return pool.preparedQuery(sql).execute(args).recover(Db::translate);
  }

  @Override
  public Future<RowSet<Row>> batch(String sql, List<Tuple> args) {
    statements.increment();
    return pool.preparedQuery(sql).executeBatch(args).recover(Db::translate);
  }

  /**
   * Runs {@code work} in one transaction: committed when its future succeeds, rolled back when it
   * fails (the failure is passed on unchanged).
   */
  public <T> Future<T> inTransaction(Function<Sql, Future<T>> work) {
    return pool.withTransaction(conn -> work.apply(new Tx(conn))).recover(Db::translate);
  }

  /** Statements run since start (BEGIN/COMMIT not included). */
  public long statementsExecuted() {
    return statements.sum();
  }

  /** The underlying pool, for health checks and shutdown. */
  public Pool pool() {
    return pool;
  }

  /** Maps driver failures that mean "the database is not usable now" to a 503. */
  static <T> Future<T> translate(Throwable t) {
    if (t instanceof ApiException || t instanceof PgException) {
      return Future.failedFuture(t);
    }
    String name = t.getClass().getName();
    if (t instanceof java.net.ConnectException
        || t instanceof io.vertx.core.impl.NoStackTraceThrowable && String.valueOf(t.getMessage()).contains("max wait queue")
        || name.contains("ClosedConnection")
        || name.contains("ConnectTimeout")
        || String.valueOf(t.getMessage()).contains("Connection refused")
        || String.valueOf(t.getMessage()).contains("Timeout")) {
      return Future.failedFuture(new ApiException.Unavailable("database", t));
    }
    return Future.failedFuture(t);
  }

  private final class Tx implements Sql {
    private final SqlConnection conn;

    Tx(SqlConnection conn) {
      this.conn = conn;
    }

    @Override
    public Future<RowSet<Row>> query(String sql, Tuple args) {
      statements.increment();
      return conn.preparedQuery(sql).execute(args);
    }

    @Override
    public Future<RowSet<Row>> batch(String sql, List<Tuple> args) {
      statements.increment();
      return conn.preparedQuery(sql).executeBatch(args);
    }
  }
}
