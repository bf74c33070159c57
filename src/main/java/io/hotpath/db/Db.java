package io.hotpath.db;

import io.hotpath.error.ApiException;
import io.hotpath.kernel.Observer;
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
  private final Observer observer;
  private final LongAdder statements = new LongAdder();

  /**
   * Statements go to {@code pool}; {@code observer} times them (slow-query log, metrics, spans).
   */
  public Db(Pool pool, Observer observer) {
    this.pool = pool;
    this.observer = observer;
  }

  @Override
  public Future<RowSet<Row>> query(String sql, Tuple args) {
    return observed(sql, pool.preparedQuery(sql).execute(args)).recover(Db::translate);
  }

  @Override
  public Future<RowSet<Row>> batch(String sql, List<Tuple> args) {
    return observed(sql, pool.preparedQuery(sql).executeBatch(args)).recover(Db::translate);
  }

  private <T> Future<T> observed(String sql, Future<T> running) {
    statements.increment();
    var call = observer.start("db", sql);
    return running.andThen(ar -> call.end(ar.cause()));
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
    String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (t instanceof java.net.ConnectException
        || t.getClass().getName().contains("ClosedConnection")
        || message.contains("connection refused")
        || message.contains("max wait queue")
        || message.contains("timeout")
        || message.contains("closed")) {
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
      return observed(sql, conn.preparedQuery(sql).execute(args));
    }

    @Override
    public Future<RowSet<Row>> batch(String sql, List<Tuple> args) {
      return observed(sql, conn.preparedQuery(sql).executeBatch(args));
    }
  }
}
