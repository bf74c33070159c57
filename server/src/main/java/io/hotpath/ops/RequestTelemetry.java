package io.hotpath.ops;

import io.hotpath.http.RequestId;
import io.hotpath.http.RouteTemplates;
import io.hotpath.kernel.RequestScope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per request: the slow-request log (over SLOW_REQUEST_MS: method, route, status, duration, request
 * id; WARN on {@code hotpath.slow-request}), with ACCESS_LOG the same line for every other request
 * (INFO on {@code hotpath.access}) and, when tracing is on, the server span that statement spans
 * hang under. Request counts, latency histograms, in-flight requests and response sizes per route
 * come from Vert.x's Micrometer metrics (labels: route, method, code).
 */
public final class RequestTelemetry implements Handler<RoutingContext> {
  private static final Logger SLOW = LoggerFactory.getLogger("hotpath.slow-request");
  private static final Logger ACCESS = LoggerFactory.getLogger("hotpath.access");

  private final long slowNanos;
  private final boolean accessLog;
  private final java.util.Optional<Tracer> tracer;
  private final java.util.function.LongSupplier ticker;

  /** {@code accessLog}: one INFO line per request (logger {@code hotpath.access}). */
  public RequestTelemetry(Duration slowRequest, boolean accessLog, Telemetry telemetry) {
    this.slowNanos = slowRequest.toNanos();
    this.accessLog = accessLog;
    this.tracer = telemetry.tracer();
    this.ticker = telemetry.ticker();
  }

  @Override
  public void handle(RoutingContext ctx) {
    long t0 = ticker.getAsLong();
    Span span = null;
    if (tracer.isPresent()) {
      span =
          tracer
              .get()
              .spanBuilder(Metrics.methodTag(ctx.request().method().name()))
              .setSpanKind(SpanKind.SERVER)
              .setParent(Context.root())
              .setAttribute("http.request.method", ctx.request().method().name())
              .setAttribute("url.path", RouteTemplates.bounded(ctx.request().path()))
              .setAttribute("hotpath.request_id", RequestId.of(ctx))
              .startSpan();
      var scope = RequestScope.current();
      if (scope != null) {
        scope.put(Telemetry.TRACE, Context.root().with(span));
      }
    }
    Span requestSpan = span;
    ctx.addEndHandler(
        ar -> {
          long nanos = ticker.getAsLong() - t0;
          int status = ctx.response().getStatusCode();
          String route = RouteTemplates.of(ctx);
          String method = Metrics.methodTag(ctx.request().method().name());
          if (requestSpan != null) {
            requestSpan.updateName(method + " " + route);
            requestSpan.setAttribute("http.route", route);
            requestSpan.setAttribute("http.response.status_code", status);
            if (status >= 500) {
              requestSpan.setStatus(StatusCode.ERROR);
            }
            requestSpan.end();
          }
          if (nanos >= slowNanos || (accessLog && !isProbe(ctx.request().path()))) {
            (nanos >= slowNanos ? SLOW.atWarn() : ACCESS.atInfo())
                .addKeyValue("method", method)
                .addKeyValue("route", route)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", nanos / 1_000_000.0)
                .addKeyValue("request_id", RequestId.of(ctx))
                .log(
                    "{}{} {} {} in {} ms",
                    nanos >= slowNanos ? "slow request: " : "",
                    method,
                    route,
                    status,
                    nanos / 1_000_000);
          }
        });
    ctx.next();
  }

  /** Health probes and scrapes arrive every few seconds from machines: not access-log lines. */
  private static boolean isProbe(String path) {
    return path.startsWith("/health/") || path.equals("/metrics");
  }
}
