package io.hotpath.db;

import io.hotpath.error.ApiException;
import io.hotpath.kernel.Observer;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
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
  private final Replica replica;
  private final Sql reads;
  private final ConnectionPerRequest perRequest;

  /**
   * Statements go to {@code pool}; {@code observer} times them (slow-query log, metrics, spans).
   */
  public Db(Pool pool, Observer observer) {
    this(pool, observer, null);
  }

  /** As above, with a replica (nullable) for the reads that ask for {@link #reads()}. */
  public Db(Pool pool, Observer observer, Replica replica) {
    this(pool, observer, replica, null);
  }

  /**
   * As above; with {@code perRequest} (the benchmark's DB_POOL=off), single statements run on a
   * connection opened for the request instead of the pool (transactions still use the pool).
   */
  public Db(Pool pool, Observer observer, Replica replica, ConnectionPerRequest perRequest) {
    this.perRequest = perRequest;
    this.pool = pool;
    this.observer = observer;
    this.replica = replica;
    this.reads = replica == null ? this : new Reads();
  }

  /**
   * Where reads that tolerate lag (list pages, counts, comment lists) run: the replica when it is
   * fresh enough for this request's {@link ReadFence}, else the primary. A replica read that fails
   * because the replica is unreachable is retried once on the primary, so a stopped replica costs
   * latency, never an error. Cache loaders must NOT use this: a stale row loaded right after an
   * invalidation would be cached for a whole TTL.
   */
  public Sql reads() {
    return reads;
  }

  @Override
  public Future<RowSet<Row>> query(String sql, Tuple args) {
    return run(sql, c -> c.preparedQuery(sql).execute(args));
  }

  @Override
  public Future<RowSet<Row>> batch(String sql, List<Tuple> args) {
    return run(sql, c -> c.preparedQuery(sql).executeBatch(args));
  }

  /** Runs one statement on the primary: the pool, or the request's own connection (DB_POOL=off). */
  private Future<RowSet<Row>> run(String sql, Statement statement) {
    if (perRequest != null) {
      return perRequest.withConnection(c -> observed(sql, statement.on(c))).recover(Db::translate);
    }
    return observed(sql, statement.on(pool)).recover(Db::translate);
  }

  /** One prepared statement, to run on whichever client the routing picks. */
  private interface Statement {
    Future<RowSet<Row>> on(SqlClient client);
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
        || t instanceof java.net.SocketException
        || message.contains("connection refused")
        || message.contains("connection reset")
        || message.contains("max wait queue")
        || message.contains("timeout")
        || message.contains("closed")) {
      return Future.failedFuture(new ApiException.Unavailable("database", t));
    }
    return Future.failedFuture(t);
  }

  private final class Reads implements Sql {
    @Override
    public Future<RowSet<Row>> query(String sql, Tuple args) {
      return routed(sql, c -> c.preparedQuery(sql).execute(args));
    }

    @Override
    public Future<RowSet<Row>> batch(String sql, List<Tuple> args) {
      return routed(sql, c -> c.preparedQuery(sql).executeBatch(args));
    }

    private Future<RowSet<Row>> routed(String sql, Statement statement) {
      if (!replica.serves(ReadFence.current())) {
        return run(sql, statement);
      }
      return observed(sql, statement.on(replica.pool()))
          .recover(t -> onReplicaFailure(t, () -> run(sql, statement)));
    }

    private Future<RowSet<Row>> onReplicaFailure(
        Throwable t, java.util.function.Supplier<Future<RowSet<Row>>> onPrimary) {
      boolean unreachable =
          translate(t).cause() instanceof ApiException.Unavailable
              || (t instanceof PgException pg && isRecoveryConflict(pg.getSqlState()));
      if (!unreachable) {
        return Future.failedFuture(t);
      }
      replica.markDown(t);
      return onPrimary.get();
    }
  }

  /** Replica-only failures: a query cancelled because it conflicted with WAL replay, shutdown. */
  private static boolean isRecoveryConflict(String state) {
    return "40001".equals(state) || "57P01".equals(state) || "57P03".equals(state);
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
