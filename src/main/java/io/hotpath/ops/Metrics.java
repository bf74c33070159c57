package io.hotpath.ops;

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
    // Vert.x Web joins every matched route with '>' (the /api/* middleware routes come first);
    // the last one is the endpoint's own template, e.g. /api/articles/:slug
    registry
        .config()
        .meterFilter(
            MeterFilter.replaceTagValues("route", v -> v.substring(v.lastIndexOf('>') + 1)));
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

  /**
   * Vert.x metrics options: HTTP labelled by route, method and status code; pools by type and name.
   */
  public static MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .addLabels(
            Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME);
  }
}
