package io.hotpath;

import io.hotpath.cache.Caches;
import io.hotpath.config.Config;
import io.hotpath.db.Database;
import io.hotpath.http.Json;
import io.hotpath.kernel.ErrorReports;
import io.hotpath.kernel.Time;
import io.hotpath.ops.BuildInfo;
import io.hotpath.ops.Metrics;
import io.hotpath.ops.SentryReports;
import io.hotpath.ops.Telemetry;
import io.hotpath.ops.Tracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every feature shares, built once and closed in reverse order: metrics and tracing, Vert.x,
 * time, the database (migrated, pooled), the caches and Redis, and the two named worker pools
 * (hotpath-cpu for hashing and Markdown, hotpath-io for blocking I/O).
 */
record Infrastructure(
    PrometheusMeterRegistry registry,
    Tracing tracing,
    Telemetry telemetry,
    Vertx vertx,
    Time time,
    Database database,
    Caches caches,
    WorkerExecutor cpu,
    WorkerExecutor io,
    ErrorReports errors,
    Deque<AutoCloseable> owned)
    implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);

  /** Builds it all; on a failure, closes what was built and rethrows. */
  static Infrastructure start(Config config, Extension extension) {
    var owned = new ArrayDeque<AutoCloseable>();
    try {
      var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Metrics.bindJvm(registry);
      var tracing = Tracing.create(config.ops().otlpEndpoint());
      owned.push(tracing);
      var time = Time.system();
      var telemetry =
          new Telemetry(registry, config.ops().slowQuery(), tracing.openTelemetry(), time.ticker());
      var vertx =
          Vertx.builder()
              .with(
                  new VertxOptions()
                      .setEventLoopPoolSize(config.http().eventLoops())
                      .setPreferNativeTransport(true)
                      .setMaxEventLoopExecuteTime(200)
                      .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                      .setMetricsOptions(Metrics.vertxOptions()))
              .withMetrics(new MicrometerMetricsFactory(registry))
              .build();
      owned.push(() -> vertx.close().await());
      logTransport(vertx);
      var database =
          Database.open(
              config,
              vertx,
              telemetry,
              registry,
              (options, pooled) -> extension.statements(vertx, options, pooled),
              time,
              pool -> Metrics.poolState(registry, pool, config.db().poolSize()));
      owned.push(database);
      var caches =
          new Caches(
              vertx,
              Json.MAPPER,
              registry,
              config.cache().redisUrl(),
              config.cache().redisTimeout(),
              time,
              telemetry,
              config.cache().enabled());
      owned.push(caches);
      var cpu = vertx.createSharedWorkerExecutor("hotpath-cpu", config.auth().cpuWorkers());
      owned.push(() -> cpu.close().await());
      var io = vertx.createSharedWorkerExecutor("hotpath-io", config.jobs().ioWorkers());
      owned.push(() -> io.close().await());
      var errors = SentryReports.create(config.ops().sentryDsn(), BuildInfo.current());
      owned.push(errors);
      return new Infrastructure(
          registry, tracing, telemetry, vertx, time, database, caches, cpu, io, errors, owned);
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
  }

  /** Closes everything, last built first (workers, caches, database, Vert.x, tracing). */
  @Override
  public void close() {
    closeAll(owned);
  }

  /**
   * Netty's native epoll transport where it loads (Linux x86-64, the jar carries it), else NIO. On
   * the realistic mix, epoll served 5,108 against 4,443 requests a second on NIO at 0.167 against
   * 0.182 ms of server CPU per request (two servers at once, four alternated runs, medians;
   * docs/proof-steady/2026-11-25/stop24/ab-native-epoll.txt): about a quarter of the server's CPU
   * is system calls here, and epoll makes fewer and cheaper ones. Elsewhere NIO is correct, only
   * slower: the fallback is logged with its cause, never fatal.
   */
  private static void logTransport(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: native epoll");
    } else {
      LOG.warn(
          "network transport: NIO (native epoll unavailable: {})",
          String.valueOf(vertx.unavailableNativeTransportCause()));
    }
  }

  static void closeAll(Deque<AutoCloseable> owned) {
    RuntimeException first = null;
    while (!owned.isEmpty()) {
      try {
        owned.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
