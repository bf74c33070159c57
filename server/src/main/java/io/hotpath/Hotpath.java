package io.hotpath;

import io.hotpath.cache.Caches;
import io.hotpath.config.Config;
import io.hotpath.config.ConfigException;
import io.hotpath.db.Db;
import io.hotpath.export.ExportJob;
import io.hotpath.jobs.JobQueue;
import io.hotpath.jobs.JobWorker;
import io.hotpath.ops.EventLoopDelay;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root. {@link #start} reads as its wiring steps: log the settings, build the
 * shared infrastructure, wire the features, start the HTTP servers, start the job worker. {@code
 * main} and the tests both start the server through it; {@link #close} stops it gracefully.
 */
public final class Hotpath implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Hotpath.class);

  private final Infrastructure infra;
  private final Features features;
  private final Servers servers;
  private final AutoCloseable worker;
  private final Duration drain;

  private Hotpath(
      Infrastructure infra,
      Features features,
      Servers servers,
      AutoCloseable worker,
      Duration drain) {
    this.infra = infra;
    this.features = features;
    this.servers = servers;
    this.worker = worker;
    this.drain = drain;
  }

  public static void main(String[] args) {
    Config config;
    try {
      config = Config.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("hotpath: " + e.getMessage());
      System.exit(2);
      return;
    }
    var app = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "hotpath-shutdown"));
  }

  /** Starts the product as it ships (blocking until it listens). */
  public static Hotpath start(Config config) {
    return start(config, Extension.NONE);
  }

  /**
   * Starts a complete server with {@code extension} (blocking until it listens); close it to stop
   * everything it started.
   */
  public static Hotpath start(Config config, Extension extension) {
    // the settings this environment chose, on one line; every effective value at DEBUG
    var chosen = new StringBuilder();
    config
        .describe()
        .forEach(
            (k, v) -> {
              LOG.debug("config {}={}", k, v);
              if (config.given().contains(k)) {
                chosen.append(' ').append(k).append('=').append(v);
              }
            });
    LOG.info(
        "config: {} settings, {} set here:{}",
        config.describe().size(),
        config.given().size(),
        chosen.length() == 0 ? " none (all defaults)" : chosen);
    extension.describe().forEach((k, v) -> LOG.info("extension {}={}", k, v));
    var infra = Infrastructure.start(config, extension);
    try {
      var features = Features.wire(infra, config, extension);
      infra.owned().push(() -> Infrastructure.closeAll(features.owned()));
      var servers = Servers.start(infra, features, config);
      EventLoopDelay.start(
          infra.vertx(), infra.registry(), config.http().eventLoops(), infra.time().ticker());
      var worker = startJobs(infra, features, config);
      features.health().warmUp().await();
      LOG.info("Hotpath listening on http://{}:{}/api", config.http().host(), servers.port());
      return new Hotpath(infra, features, servers, worker, config.http().shutdownDrain());
    } catch (RuntimeException e) {
      infra.close();
      throw e;
    }
  }

  /** The job worker, or nothing to close when JOBS=off (this instance serves HTTP only). */
  private static AutoCloseable startJobs(Infrastructure infra, Features features, Config config) {
    if (!config.jobs().enabled()) {
      return () -> {};
    }
    var j = config.jobs();
    var worker =
        new JobWorker(
            infra.vertx(),
            features.jobs(),
            features.jobHandlers(),
            infra.database().listenOptions(),
            new JobWorker.Settings(
                j.concurrency(),
                j.lease(),
                j.poll(),
                j.backoffBase(),
                Map.of(ExportJob.KIND, config.exports().jobsAtOnce())),
            infra.telemetry(),
            infra.registry(),
            infra.time().ticker(),
            infra.errors());
    worker.start().await();
    return worker;
  }

  /** The port the API server listens on. */
  public int port() {
    return servers.port();
  }

  /** The port /metrics and /status are served on: MANAGEMENT_PORT's, or the API port. */
  public int managementPort() {
    return servers.managementPort() < 0 ? servers.port() : servers.managementPort();
  }

  /** The Vert.x instance (tests that must run on its event loops). */
  public io.vertx.core.Vertx vertx() {
    return infra.vertx();
  }

  /** The database door, for tests that count statements. */
  public Db db() {
    return infra.database().db();
  }

  /** The job queue (tests enqueue and inspect jobs). */
  public JobQueue jobs() {
    return features.jobs();
  }

  /** The caches (tests read load counts, drop L1). */
  public Caches caches() {
    return infra.caches();
  }

  /**
   * Graceful shutdown: readiness turns 503 at once, load balancers get SHUTDOWN_DRAIN_MS to notice,
   * then the job worker stops claiming, the HTTP servers stop accepting and let in-flight requests
   * finish, and only then are the features, caches, pool and embedded database closed. Blocking:
   * not for an event loop.
   */
  @Override
  public void close() {
    features.health().beginShutdown();
    servers.admission().drain();
    if (!drain.isZero()) {
      try {
        Thread.sleep(drain.toMillis()); // the drain period itself, not a wait for a condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      worker.close();
      infra.vertx().deploymentIDs().forEach(id -> infra.vertx().undeploy(id).await());
    } catch (Exception e) {
      LOG.warn("stopping the worker and servers: {}", e.toString());
    } finally {
      infra.close();
    }
  }
}
