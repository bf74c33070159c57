package io.hotpath.ops;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing, exported over OTLP/HTTP when an endpoint is configured. Without one there
 * is no SDK at all, and instrumentation points skip span creation entirely.
 */
public final class Tracing implements AutoCloseable {
  private final java.util.Optional<OpenTelemetrySdk> sdk;

  private Tracing(java.util.Optional<OpenTelemetrySdk> sdk) {
    this.sdk = sdk;
  }

  /** Tracing to {@code endpoint} (e.g. http://collector:4318), or off when there is none. */
  public static Tracing create(java.util.Optional<String> endpoint) {
    if (endpoint.isEmpty()) {
      return new Tracing(java.util.Optional.empty());
    }
    var exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint.get().replaceAll("/$", "") + "/v1/traces")
            .build();
    var provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.builder().put("service.name", "hotpath").build())))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    return new Tracing(
        java.util.Optional.of(OpenTelemetrySdk.builder().setTracerProvider(provider).build()));
  }

  /** The OpenTelemetry instance, when tracing is on. */
  public java.util.Optional<OpenTelemetry> openTelemetry() {
    return sdk.map(o -> o);
  }

  @Override
  public void close() {
    sdk.ifPresent(o -> o.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS));
  }
}
