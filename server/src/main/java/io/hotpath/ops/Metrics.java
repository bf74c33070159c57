package io.hotpath.ops;

import io.hotpath.db.DbErrors;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Map;
import java.util.Set;

/**
 * Metric setup in one place: JVM and process binders, Vert.x's own metrics (HTTP server per route,
 * method and code; the SQL pool's usage, waiters and wait time), and percentile histograms on the
 * latency meters so Prometheus can compute p50/p95/p99 across instances.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * Binds JVM memory, GC, threads, class loading, CPU and uptime, and turns on latency histograms.
   */
  public static void bindJvm(MeterRegistry registry) {
    boundTags(registry);
    // Vert.x Web joins every matched route with '>' (the /api/* middleware routes come first);
    // the last one is the endpoint's own template, e.g. /api/articles/:slug. A request that
    // matched only middleware, or nothing, is "unmatched".
    registry.config().meterFilter(MeterFilter.replaceTagValues("route", Metrics::routeTag));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                String n = id.getName();
                if (n.equals("vertx.http.server.response.time")
                    || n.equals("vertx.pool.queue.time")
                    || n.equals("vertx.pool.usage")
                    || n.equals("vertx.sql.processing.time")) {
                  return DistributionStatisticConfig.builder()
                      .percentilesHistogram(true)
                      .build()
                      .merge(config);
                }
                return config;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** HTTP methods a metric may name; any other token a client sends is counted as "other". */
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

  /** Most values one tag of one meter may take before further ones are dropped, not recorded. */
  static final Map<String, Integer> TAG_BOUNDS =
      Map.of(
          "method", METHODS.size() + 1,
          "route", 100,
          "code", 64,
          "pool_name", 16,
          "remote", 1,
          "local", 1,
          "kind", 16,
          "cache", 32);

  /**
   * The state of the named SQL pool from Vert.x's own pool gauges (in use, waiting), for the 503 a
   * saturated database gets: what HikariCP's timeout message says.
   */
  public static DbErrors.PoolState poolState(MeterRegistry registry, String pool, int maxSize) {
    return new DbErrors.PoolState(
        maxSize,
        gauge(registry, "vertx.pool.in.use", pool),
        gauge(registry, "vertx.pool.queue.pending", pool));
  }

  private static int gauge(MeterRegistry registry, String name, String pool) {
    var g = registry.find(name).tag("pool_name", pool).gauge();
    return g == null ? -1 : (int) g.value();
  }

  static final String RESPONSE_TIME = "vertx.http.server.response.time";
  static final String UNMATCHED = "unmatched";

  /** The route tag: the endpoint's template, or "unmatched" (middleware only, or nothing). */
  static String routeTag(String joined) {
    String r = joined.substring(joined.lastIndexOf('>') + 1);
    return r.isEmpty() || r.endsWith("/") || r.endsWith("*") ? UNMATCHED : r;
  }

  /** A method as metrics, spans and logs name it: allow-listed, anything else "other". */
  public static String methodTag(String method) {
    return METHODS.contains(method) ? method : "other";
  }

  /**
   * Every tag that outside input can reach is bounded, so no request line, header, path or webhook
   * target creates series: the method is allow-listed (anything else is "other"), and every tag
   * listed in {@link #TAG_BOUNDS} stops accepting new values at its bound (later meters with new
   * values are not registered at all, Micrometer's {@code maximumAllowableTags}). Routes are the
   * router's templates and codes the server's own, so their bounds are a backstop.
   */
  static void boundTags(MeterRegistry registry) {
    // Vert.x names each HTTP client pool after its server, host:port: for webhooks that is a
    // target a user chose. One client, one name.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return "http".equals(id.getTag("pool_type")) && id.getTag("pool_name") != null
                    ? id.withTag(io.micrometer.core.instrument.Tag.of("pool_name", "webhooks"))
                    : id;
              }
            });
    // latency histograms (~70 series each) only for endpoints, and per route and method: the
    // status code is on the request counter, so a client cannot multiply histograms by codes
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals(RESPONSE_TIME)
                    ? id.replaceTags(
                        id.getTags().stream().filter(t -> !t.getKey().equals("code")).toList())
                    : id;
              }

              @Override
              public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
                return id.getName().equals(RESPONSE_TIME) && UNMATCHED.equals(id.getTag("route"))
                    ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
                    : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
              }
            });
    registry.config().meterFilter(MeterFilter.replaceTagValues("method", Metrics::methodTag));
    TAG_BOUNDS.forEach(
        (tag, max) ->
            registry
                .config()
                .meterFilter(MeterFilter.maximumAllowableTags("", tag, max, MeterFilter.deny())));
  }

  /**
   * Vert.x metrics options: HTTP labelled by route, method and status code; pools by type and name;
   * SQL clients by their metrics name ({@code namespace}: hotpath-db, -replica, -export, -listen,
   * set in the db layer, so the label is bounded and each client has its own gauges). Net-client
   * metrics are off: their untagged active-connections gauge is shared by every net client (the
   * PostgreSQL pools, Redis, SMTP), so the second client's registration is refused with a warning
   * at every start, and it is known not to decrease (vertx-micrometer-metrics #131); the pools' own
   * metrics carry the connection counts that matter.
   */
  public static MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .addLabels(
            Label.HTTP_ROUTE,
            Label.HTTP_METHOD,
            Label.HTTP_CODE,
            Label.POOL_TYPE,
            Label.POOL_NAME,
            Label.NAMESPACE);
  }
}
