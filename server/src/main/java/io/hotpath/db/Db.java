package io.hotpath.db;

import io.hotpath.kernel.Observer;
import io.hotpath.replica.ReadFence;
import io.hotpath.replica.Replica;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one door to PostgreSQL: every statement Hotpath runs passes here, so it can be counted (the
 * N+1 tests read {@link #statementsExecuted()}), timed and traced ({@link Observer}), routed (the
 * replica for lag-tolerant reads) and its failures translated once ({@link DbErrors}: an unusable
 * database is a 503 that says the pool's state and how long the statement waited).
 *
 * <p>Transactions and statements outside one take a pool connection whole: a Vert.x {@code Pool}
 * does not pipeline, whatever DB_PIPELINING_LIMIT says. With DB_STATEMENT_CONNECTIONS above 0 (the
 * default), read-only statements outside a transaction go to pipelined connections instead (many
 * statements in flight on one; {@link Database} says why only those); one that gives up waiting for
 * a lock there is run again on the pool. Prepared statements are cached per connection.
 */
public final class Db extends Sql.Statements {
  private final Pool pool;
  private final Observer observer;
  private final Optional<Replica> replica;
  private final StatementTarget target;
  private final StatementTarget readTarget;
  private final Supplier<DbErrors.PoolState> poolState;
  private final LongSupplier ticker;
  private final LongAdder statements = new LongAdder();
  private final LongAdder transactions = new LongAdder();
  private final Sql reads;

  /**
   * Read-only statements go to {@code readTarget}, other statements to {@code target} (the pool
   * unless an extension says otherwise), transactions to {@code pool}; lag-tolerant reads to {@code
   * replica} when present and fresh enough.
   */
  public Db(
      Pool pool,
      Observer observer,
      Optional<Replica> replica,
      StatementTarget target,
      StatementTarget readTarget,
      Supplier<DbErrors.PoolState> poolState,
      LongSupplier ticker) {
    this.pool = pool;
    this.observer = observer;
    this.replica = replica;
    this.target = target;
    this.readTarget = readTarget;
    this.poolState = poolState;
    this.ticker = ticker;
    this.reads = replica.isPresent() ? new Reads(replica.get()) : this;
  }

  /** A door to {@code pool} alone: no replica, no extension (tests, tools). */
  public static Db on(Pool pool, Observer observer) {
    return poolOnly(pool, observer, () -> new DbErrors.PoolState(-1, -1, -1), System::nanoTime);
  }

  /** Every statement and transaction on {@code pool}, on the primary. */
  private static Db poolOnly(
      Pool pool, Observer observer, Supplier<DbErrors.PoolState> poolState, LongSupplier ticker) {
    var target = StatementTarget.of(pool);
    return new Db(pool, observer, Optional.empty(), target, target, poolState, ticker);
  }

  /**
   * The same pool for work that is not a request's (jobs, health checks, monitors): always the pool
   * and the primary, and its statements are counted apart, so the N+1 tests count only what
   * requests cost.
   */
  public Db background() {
    return poolOnly(pool, observer, poolState, ticker);
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
  protected Future<RowSet<Row>> run(String sql, Function<SqlClient, Future<RowSet<Row>>> st) {
    return onPrimary(sql, st);
  }

  private Future<RowSet<Row>> onPrimary(String sql, Function<SqlClient, Future<RowSet<Row>>> st) {
    long t0 = ticker.getAsLong();
    Future<RowSet<Row>> run;
    if (readTarget != target && readOnly(sql)) {
      // gave up waiting for a lock (DB_PIPELINED_LOCK_TIMEOUT_MS): wait on a connection of its own
      run =
          attempts(() -> readTarget.run(c -> observed(sql, st.apply(c))), 1)
              .recover(
                  t ->
                      lockTimedOut(t)
                          ? attempts(() -> target.run(c -> observed(sql, st.apply(c))), 1)
                          : Future.failedFuture(t));
    } else {
      run = attempts(() -> target.run(c -> observed(sql, st.apply(c))), 1);
    }
    return run.recover(t -> translated(t, t0));
  }

  /** PostgreSQL's lock_not_available: the statement's lock_timeout ran out. */
  private static boolean lockTimedOut(Throwable t) {
    return t instanceof PgException pg && "55P03".equals(pg.getSqlState());
  }

  /**
   * Whether {@code sql} only reads, so it may share a pipelined connection: a plain SELECT that
   * neither locks rows nor calls what writes. Anything else (every WITH, since a CTE may write)
   * takes a pool connection, where waiting for a lock holds up nothing but itself. SQL here is the
   * code's own text, never a client's; the answer is kept per text (the texts are a bounded set
   * built by the code: at most {@link #KEPT_CLASSIFICATIONS} are kept, beyond that it is worked out
   * each time).
   */
  static boolean readOnly(String sql) {
    var known = CLASSIFIED.get(sql);
    if (known != null) {
      return known;
    }
    boolean r = classify(sql);
    if (CLASSIFIED.size() < KEPT_CLASSIFICATIONS) {
      CLASSIFIED.put(sql, r);
    }
    return r;
  }

  private static final int KEPT_CLASSIFICATIONS = 4096;
  private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> CLASSIFIED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean classify(String sql) {
    int i = 0;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (!sql.regionMatches(true, i, "SELECT", 0, 6)) {
      return false;
    }
    var lower = sql.toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
    for (var writes : WRITES_OR_LOCKS) {
      if (lower.contains(writes)) {
        return false;
      }
    }
    return true;
  }

  private static final java.util.List<String> WRITES_OR_LOCKS =
      java.util.List.of(
          "for update",
          "for share",
          "for no key update",
          "for key share",
          "nextval(",
          "setval(",
          "pg_advisory",
          "pg_notify(",
          "set_config(",
          "insert ",
          "update ",
          "delete ");

  /**
   * How many times a statement or transaction is run when it fails with a serialization failure or
   * a deadlock. On one database (READ COMMITTED) these are rare; in a sharded deployment
   * postgres_fdw runs each shard's part at REPEATABLE READ, so two writers of one row (two
   * favorites of one article bump its counter) make the later one fail where one database would
   * have made it wait. The work rolled back and nothing was acknowledged, so running it again is
   * safe; the last failure is passed on.
   */
  private static final int ATTEMPTS = 8;

  private static <T> Future<T> attempts(Supplier<Future<T>> work, int attempt) {
    var run = work.get();
    return attempt >= ATTEMPTS
        ? run
        : run.recover(
            t -> retryable(t) ? later(attempt).compose(v -> attempts(work, attempt + 1)) : run);
  }

  /**
   * A random pause of under 2^(attempt+1) ms (at most 64): writers that collided on one row come
   * back apart instead of colliding again. Immediate off a Vert.x context (tools).
   */
  private static Future<Void> later(int attempt) {
    var context = Vertx.currentContext();
    long ms = ThreadLocalRandom.current().nextLong(1, 1L << Math.min(attempt + 1, 6));
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    context.owner().setTimer(ms, id -> p.complete());
    return p.future();
  }

  private static boolean retryable(Throwable t) {
    return t instanceof PgException pg
        && ("40001".equals(pg.getSqlState()) || "40P01".equals(pg.getSqlState()));
  }

  private <T> Future<T> observed(String sql, Future<T> running) {
    statements.increment();
    var call = observer.start("db", sql);
    return running.andThen(ar -> call.end(ar.cause()));
  }

  private <T> Future<T> translated(Throwable t, long t0) {
    return Future.failedFuture(
        DbErrors.translate(t, poolState.get(), Duration.ofNanos(ticker.getAsLong() - t0)));
  }

  /**
   * Runs {@code work} in one transaction: committed when its future succeeds, rolled back when it
   * fails (the failure is passed on, translated like a single statement's). A serialization failure
   * or deadlock runs {@code work} again (up to {@link #ATTEMPTS} times), so it must only issue
   * statements and effects that may repeat.
   */
  public <T> Future<T> inTransaction(Function<Sql, Future<T>> work) {
    long t0 = ticker.getAsLong();
    transactions.increment();
    return attempts(() -> pool.withTransaction(conn -> work.apply(new Tx(conn))), 1)
        .recover(t -> translated(t, t0));
  }

  /** Statements run since start (BEGIN/COMMIT not included). */
  public long statementsExecuted() {
    return statements.sum();
  }

  /**
   * Transactions begun since start (each costs a BEGIN and a COMMIT round trip besides its
   * statements).
   */
  public long transactionsBegun() {
    return transactions.sum();
  }

  /** The underlying pool, for health checks and shutdown. */
  public Pool pool() {
    return pool;
  }

  private final class Reads extends Sql.Statements {
    private final Replica replica;

    Reads(Replica replica) {
      this.replica = replica;
    }

    @Override
    protected Future<RowSet<Row>> run(String sql, Function<SqlClient, Future<RowSet<Row>>> st) {
      if (!replica.serves(ReadFence.current())) {
        return onPrimary(sql, st);
      }
      return observed(sql, st.apply(replica.pool()))
          .recover(
              t -> {
                if (!replicaUnusable(t)) {
                  return Future.failedFuture(t);
                }
                replica.markDown(t);
                return onPrimary(sql, st);
              });
    }
  }

  /** The replica itself is the problem: unreachable, or a query cancelled by WAL replay. */
  private static boolean replicaUnusable(Throwable t) {
    return DbErrors.classify(t) != DbErrors.Kind.NONE
        || (t instanceof PgException pg && "40001".equals(pg.getSqlState()));
  }

  private final class Tx extends Sql.Statements {
    private final SqlConnection conn;

    Tx(SqlConnection conn) {
      this.conn = conn;
    }

    @Override
    protected Future<RowSet<Row>> run(String sql, Function<SqlClient, Future<RowSet<Row>>> st) {
      return observed(sql, st.apply(conn));
    }
  }
}
