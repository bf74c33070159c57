package io.hotpath.db;

import io.hotpath.config.Config;
import io.hotpath.kernel.Observer;
import io.hotpath.kernel.Time;
import io.hotpath.replica.Replica;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the data lives: the server named by DATABASE_URL, or else the embedded one started here.
 * Runs the migrations, then opens the reactive pool, the pipelined connections for read-only
 * statements when DB_STATEMENT_CONNECTIONS asks for them, and the replica's pool when one is
 * configured. Blocking: call from main or a worker, never from an event loop.
 *
 * <p>Why two: a Vert.x {@code Pool} lends each connection whole (one statement in flight, a round
 * trip each, whatever DB_PIPELINING_LIMIT says), which transactions need; only its pipelined client
 * ({@code PgBuilder.client()}) puts many statements on one connection, and that client cannot lend
 * a connection for a transaction. Pipelined, a burst of reads costs PostgreSQL one backend wake-up
 * and one read/write per batch instead of one each. On by default (one connection per event loop):
 * the reads of the mix stop queueing for the pool behind the writes, which then find a connection
 * free (pool 16); the mix's p99 fell from 88 to 59 ms (docs/database.md "Pool and pipelining").
 * Statements that write or lock stay on the pool: a statement waiting for a row lock would hold up
 * every read pipelined behind it. A plain read can still wait for a lock (behind DDL or {@code LOCK
 * TABLE}): its connection's {@code lock_timeout} bounds that, and {@link Db} runs it again on the
 * pool.
 *
 * <p>Every connection the server opens tells PostgreSQL to end it when it idles inside a
 * transaction (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS) and to cancel statements that run too long
 * (DB_STATEMENT_TIMEOUT_MS): a safety net under the code that releases its resources, so a leak can
 * never hold a connection, a snapshot or locks for longer than that.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Optional<EmbeddedPostgresServer> embedded;
  private final PgConnectOptions connectOptions;
  private final Db db;
  private final Optional<Replica> replica;
  private final Optional<io.vertx.sqlclient.SqlClient> pipelined;

  private Database(
      Optional<EmbeddedPostgresServer> embedded,
      PgConnectOptions connectOptions,
      Db db,
      Optional<Replica> replica,
      Optional<io.vertx.sqlclient.SqlClient> pipelined) {
    this.embedded = embedded;
    this.connectOptions = connectOptions;
    this.db = db;
    this.replica = replica;
    this.pipelined = pipelined;
  }

  /** Connects (starting the embedded server if no DATABASE_URL), migrates and opens the pool. */
  public static Database open(
      Config config,
      Vertx vertx,
      Observer observer,
      MeterRegistry registry,
      StatementTarget.Decorator statements,
      Time time,
      Function<String, DbErrors.PoolState> poolState) {
    var c = config.db();
    Optional<EmbeddedPostgresServer> embedded =
        c.url().isPresent()
            ? Optional.empty()
            : Optional.of(
                EmbeddedPostgresServer.start(
                    c.dataDir().resolve("postgres"), c.embeddedSynchronousCommit()));
    try {
      String url = c.url().orElseGet(() -> embedded.orElseThrow().url());
      var options = options(url, config, "hotpath");
      options.setMetricsName("hotpath-db");
      if (c.sharded()) {
        Shards.prepare(options, c.shardUrls(), c.shardPartitions());
      } else {
        Migrations.migrate(jdbcUrl(options), options.getUser(), options.getPassword());
      }
      var poolOptions =
          new PoolOptions()
              .setName("hotpath-db")
              .setMaxSize(c.poolSize())
              .setMaxWaitQueueSize(c.maxWaitQueue())
              .setConnectionTimeout((int) c.connectTimeout().toMillis())
              .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
              .setEventLoopSize(config.http().eventLoops());
      var net = net(config);
      var pool =
          PgBuilder.pool().with(poolOptions).with(net).connectingTo(options).using(vertx).build();
      // Sharded, a read goes through postgres_fdw to the shards and lasts milliseconds: pipelined
      // behind one another on a few connections they would queue, so every statement uses the pool.
      int pipelined = c.sharded() ? 0 : c.statementConnections();
      Optional<io.vertx.sqlclient.SqlClient> readOnly =
          pipelined == 0
              ? Optional.empty()
              : Optional.of(
                  PgBuilder.client()
                      .with(
                          new PoolOptions(poolOptions)
                              .setName("hotpath-db-pipelined")
                              .setMaxSize(pipelined)
                              // a connection opens on the event loop of the statement that
                              // needed it, not round-robin (see connectAhead)
                              .setEventLoopSize(0))
                      .with(net)
                      .connectingTo(pipelinedOptions(options, c.pipelinedLockTimeout()))
                      .using(vertx)
                      .build());
      LOG.info(
          "database pool: {} connections; read-only statements: {}",
          c.poolSize(),
          readOnly.isPresent()
              ? "up to " + pipelined + " pipelined connections, " + c.pipeliningLimit() + " each"
              : "on the pool");
      Optional<Replica> replica =
          config
              .replica()
              .url()
              .map(
                  r ->
                      new Replica(
                          vertx,
                          pool,
                          PgBuilder.pool()
                              .with(new PoolOptions(poolOptions).setName("hotpath-db-replica"))
                              .with(net)
                              .connectingTo(replicaOptions(r, config))
                              .using(vertx)
                              .build(),
                          time.clock(),
                          config.replica().maxLag(),
                          config.replica().poll(),
                          registry));
      replica.ifPresent(
          r ->
              LOG.info(
                  "replica pool: {} connections; reads tolerate {} ms of lag",
                  c.poolSize(),
                  config.replica().maxLag().toMillis()));
      connectAhead(pool, Math.min(c.poolSize(), config.http().eventLoops()));
      readOnly.ifPresent(r -> connectAhead(vertx, r));
      var pooled = StatementTarget.of(pool);
      var target = statements.decorate(options, pooled);
      // an extension that replaced the pool (the benchmark's naive profile) gets every statement
      var readTarget = target == pooled ? readOnly.map(StatementTarget::of).orElse(target) : target;
      var db =
          new Db(
              pool,
              observer,
              replica,
              target,
              readTarget,
              () -> poolState.apply("hotpath-db"),
              time.ticker());
      return new Database(embedded, options, db, replica, readOnly);
    } catch (RuntimeException e) {
      embedded.ifPresent(EmbeddedPostgresServer::close);
      throw e;
    }
  }

  /**
   * Opens {@code n} of the pool's connections before the server serves (one per event loop), so the
   * first requests and the first readiness probe do not pay for connecting and authenticating, nor
   * log it as a slow statement. Blocking: start-up only. A failure here is left to the first real
   * statement, which reports it with the pool's state.
   */
  private static void connectAhead(io.vertx.sqlclient.Pool pool, int n) {
    var opened = new java.util.ArrayList<io.vertx.core.Future<?>>(n);
    for (int i = 0; i < n; i++) {
      opened.add(pool.getConnection().compose(conn -> conn.close()));
    }
    try {
      io.vertx.core.Future.join(opened).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("opening database connections ahead of the first request: {}", e.toString());
    }
  }

  /**
   * Opens the pipelined connections one event loop at a time (a statement from a context on each of
   * Vert.x's event loops, the next only once the previous connected), so that each event loop has
   * its own before the first request: the client opens a connection on the loop whose statement
   * needed it, and lends one on another loop only when that loop has none, at the cost of a thread
   * hop each way. Vert.x's internal context builder is the one way to name the loop. Blocking:
   * start-up only.
   */
  private static void connectAhead(Vertx vertx, io.vertx.sqlclient.SqlClient client) {
    var internal = (io.vertx.core.internal.VertxInternal) vertx;
    for (var executor : internal.nettyEventLoopGroup()) {
      var done = io.vertx.core.Promise.<Void>promise();
      internal
          .contextBuilder()
          .withEventLoop((io.netty.channel.EventLoop) executor)
          .build()
          .runOnContext(v -> client.query("SELECT 1").execute().<Void>mapEmpty().onComplete(done));
      try {
        done.future().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn(
            "opening pipelined database connections ahead of the first request: {}", e.toString());
        return;
      }
    }
  }

  /**
   * Connect options for {@code url}: pipelining, the prepared-statement cache, the session's
   * timeouts and an application name that shows in pg_stat_activity.
   */
  private static PgConnectOptions options(String url, Config config, String application) {
    var c = config.db();
    var o =
        PgConnectOptions.fromUri(url)
            .setPipeliningLimit(c.pipeliningLimit())
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(512);
    o.addProperty("application_name", application);
    o.addProperty("statement_timeout", Long.toString(c.statementTimeout().toMillis()));
    o.addProperty(
        "idle_in_transaction_session_timeout",
        Long.toString(c.idleInTransactionTimeout().toMillis()));
    if (c.sharded()) {
      // A generic plan cannot prune partitions on "id = ANY($1)", so it would open a connection
      // to every shard (and fail while one is down); a custom plan sees the ids and contacts only
      // the shards that hold them (docs/sharding.md "One shard stopped").
      o.addProperty("plan_cache_mode", "force_custom_plan");
      // The shard's part of a write is durable before the directory commits: a directory commit
      // that a crash could still lose (synchronous_commit off) leaves the shards ahead of it. Seen
      // in ShardCrashTest's first runs, on embedded servers whose default is off.
      o.addProperty("synchronous_commit", "on");
    }
    return o;
  }

  /**
   * The pipelined connections' options: the pool's, plus a {@code lock_timeout}. A plain SELECT
   * waits for a lock only behind DDL or {@code LOCK TABLE}; on a pipelined connection every read
   * queued behind it would wait as long, so it gives up after {@code lockTimeout} and {@link Db}
   * runs it again on a pool connection, where waiting holds up nothing but itself.
   */
  private static PgConnectOptions pipelinedOptions(PgConnectOptions pool, Duration lockTimeout) {
    var o = new PgConnectOptions(pool);
    o.setProperties(new java.util.HashMap<>(pool.getProperties()));
    o.addProperty("lock_timeout", Long.toString(lockTimeout.toMillis()));
    return o;
  }

  private static PgConnectOptions replicaOptions(String url, Config config) {
    var o = options(url, config, "hotpath");
    o.setMetricsName("hotpath-db-replica");
    return o;
  }

  private static NetClientOptions net(Config config) {
    return new NetClientOptions()
        .setConnectTimeout((int) config.db().connectTimeout().toMillis())
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true);
  }

  /**
   * Options for a connection of its own that holds a cursor open while a client reads (exports): no
   * statement timeout (the cursor's one statement lasts the whole export), ended by PostgreSQL when
   * its client reads nothing for {@code idle} (the cursor then waits, idle in its transaction).
   */
  public PgConnectOptions cursorOptions(Duration idle) {
    var o = new PgConnectOptions(connectOptions);
    o.addProperty("application_name", "hotpath-export");
    o.setMetricsName("hotpath-export");
    o.addProperty("statement_timeout", "0");
    o.addProperty("idle_in_transaction_session_timeout", Long.toString(idle.toMillis()));
    return o;
  }

  /** Options for the job worker's LISTEN connection: the pool's, under their own metrics name. */
  public PgConnectOptions listenOptions() {
    var o = new PgConnectOptions(connectOptions);
    o.setMetricsName("hotpath-listen");
    return o;
  }

  /** The JDBC URL for the same database, for blocking tools (Flyway, the data generator). */
  public static String jdbcUrl(PgConnectOptions o) {
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  public Db db() {
    return db;
  }

  /** The replica, when DATABASE_REPLICA_URL is set. */
  public Optional<Replica> replica() {
    return replica;
  }

  /** Options for connections of their own (LISTEN, exports), with the server's session settings. */
  public PgConnectOptions connectOptions() {
    return connectOptions;
  }

  @Override
  public void close() {
    replica.ifPresent(Replica::close);
    pipelined.ifPresent(p -> p.close().await());
    db.pool().close().await();
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }
}
