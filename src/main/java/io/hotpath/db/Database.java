package io.hotpath.db;

import io.hotpath.config.Config;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the data lives: the server named by DATABASE_URL, or else the embedded one started here.
 * Runs the migrations, then opens the reactive, pipelined pool. Blocking: call from main or a
 * worker, never from an event loop.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final EmbeddedPostgresServer embedded;
  private final PgConnectOptions connectOptions;
  private final Db db;
  private final Replica replica;

  private Database(
      EmbeddedPostgresServer embedded, PgConnectOptions connectOptions, Db db, Replica replica) {
    this.embedded = embedded;
    this.connectOptions = connectOptions;
    this.db = db;
    this.replica = replica;
  }

  /** The replica, or null when DATABASE_REPLICA_URL is not set. */
  public Replica replica() {
    return replica;
  }

  /** Connects (starting the embedded server if no DATABASE_URL), migrates and opens the pool. */
  public static Database open(
      Config config,
      Vertx vertx,
      io.hotpath.kernel.Observer observer,
      io.micrometer.core.instrument.MeterRegistry registry) {
    EmbeddedPostgresServer embedded = null;
    String url;
    if (config.databaseUrl().isPresent()) {
      url = config.databaseUrl().get();
    } else {
      embedded =
          EmbeddedPostgresServer.start(
              config.dataDir().resolve("postgres"), config.embeddedSynchronousCommit());
      url = embedded.url();
    }
    try {
      var options =
          PgConnectOptions.fromUri(url)
              .setPipeliningLimit(config.dbPipeliningLimit())
              .setCachePreparedStatements(true)
              .setPreparedStatementCacheMaxSize(512);
      var net =
          new NetClientOptions()
              .setConnectTimeout((int) config.dbConnectTimeout().toMillis())
              .setTcpNoDelay(true)
              .setTcpKeepAlive(true);
      Migrations.migrate(jdbcUrl(options), options.getUser(), options.getPassword());
      var poolOptions =
          new PoolOptions()
              .setName("hotpath-db")
              .setMaxSize(config.dbPoolSize())
              .setMaxWaitQueueSize(config.dbMaxWaitQueue())
              .setConnectionTimeout((int) config.dbConnectTimeout().toMillis())
              .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
              .setEventLoopSize(config.eventLoops());
      var pool =
          PgBuilder.pool().with(poolOptions).with(net).connectingTo(options).using(vertx).build();
      LOG.info(
          "database pool: {} connections, pipelining limit {}",
          config.dbPoolSize(),
          config.dbPipeliningLimit());
      Replica replica = null;
      if (config.databaseReplicaUrl().isPresent()) {
        var replicaOptions =
            PgConnectOptions.fromUri(config.databaseReplicaUrl().get())
                .setPipeliningLimit(config.dbPipeliningLimit())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(512);
        var replicaPool =
            PgBuilder.pool()
                .with(new PoolOptions(poolOptions).setName("hotpath-db-replica"))
                .with(net)
                .connectingTo(replicaOptions)
                .using(vertx)
                .build();
        replica =
            new Replica(
                vertx,
                pool,
                replicaPool,
                java.time.Clock.systemUTC(),
                config.replicaMaxLag(),
                config.replicaPoll(),
                registry);
        LOG.info(
            "replica pool: {} connections; reads tolerate {} ms of lag",
            config.dbPoolSize(),
            config.replicaMaxLag().toMillis());
      }
      return new Database(embedded, options, new Db(pool, observer, replica), replica);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** The JDBC URL for the same database, for blocking tools (Flyway, the data generator). */
  public static String jdbcUrl(PgConnectOptions o) {
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  public Db db() {
    return db;
  }

  public PgConnectOptions connectOptions() {
    return connectOptions;
  }

  @Override
  public void close() {
    if (replica != null) {
      replica.close();
    }
    db.pool().close().await();
    if (embedded != null) {
      embedded.close();
    }
  }
}
