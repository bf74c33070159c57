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
 * Runs the migrations, then opens the reactive, pipelined pool (and the replica's, when one is
 * configured). Blocking: call from main or a worker, never from an event loop.
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

  private Database(
      Optional<EmbeddedPostgresServer> embedded,
      PgConnectOptions connectOptions,
      Db db,
      Optional<Replica> replica) {
    this.embedded = embedded;
    this.connectOptions = connectOptions;
    this.db = db;
    this.replica = replica;
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
      LOG.info(
          "database pool: {} connections, pipelining limit {}", c.poolSize(), c.pipeliningLimit());
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
      var target = statements.decorate(options, StatementTarget.of(pool));
      var db =
          new Db(
              pool, observer, replica, target, () -> poolState.apply("hotpath-db"), time.ticker());
      return new Database(embedded, options, db, replica);
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
    db.pool().close().await();
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }
}
