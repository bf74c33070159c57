package io.hotpath.ops;

import io.hotpath.kernel.Observer;
import io.hotpath.kernel.RequestScope;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations side of {@link Observer}: every SQL statement and Redis call is timed into a
 * Micrometer timer (percentile histograms), statements slower than SLOW_QUERY_MS are logged with
 * their text (never their parameter values), and, when tracing is on, each call is a span that is a
 * child of the request's span.
 *
 * <p>The request's span travels in its {@link RequestScope}: Vert.x runs each HTTP request on its
 * own duplicated context and completes the database futures on it, so the statement sees its
 * request. With tracing off no span is created and the scope is never touched.
 */
public final class Telemetry implements Observer {
  private static final Logger SLOW = LoggerFactory.getLogger("hotpath.slow-query");

  /** The current request's OpenTelemetry context, kept in its request scope. */
  static final RequestScope.Attribute<Context> TRACE = new RequestScope.Attribute<>("trace");

  private static final AttributeKey<String> DB_STATEMENT = AttributeKey.stringKey("db.query.text");

  private final Timer db;
  private final Timer dbFailed;
  private final Timer redis;
  private final Timer redisFailed;
  private final long slowQueryNanos;
  private final java.util.Optional<Tracer> tracer; // empty when tracing is off
  private final java.util.function.LongSupplier ticker;

  public Telemetry(
      MeterRegistry registry,
      Duration slowQuery,
      java.util.Optional<OpenTelemetry> otel,
      java.util.function.LongSupplier ticker) {
    this.ticker = ticker;
    this.db = timer(registry, "hotpath.db.statements", "ok");
    this.dbFailed = timer(registry, "hotpath.db.statements", "error");
    this.redis = timer(registry, "hotpath.redis.calls", "ok");
    this.redisFailed = timer(registry, "hotpath.redis.calls", "error");
    this.slowQueryNanos = slowQuery.toNanos();
    this.tracer = otel.map(o -> o.getTracer("io.hotpath"));
  }

  private static Timer timer(MeterRegistry registry, String name, String outcome) {
    return Timer.builder(name)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  /** The ticker durations are measured on. */
  java.util.function.LongSupplier ticker() {
    return ticker;
  }

  /** The tracer, when tracing is on. */
  java.util.Optional<Tracer> tracer() {
    return tracer;
  }

  @Override
  public Call start(String kind, String name) {
    long t0 = ticker.getAsLong();
    Span span = tracer.isEmpty() ? null : startSpan(kind, name);
    return failure -> {
      long nanos = ticker.getAsLong() - t0;
      switch (kind) {
        case "db" -> {
          (failure == null ? db : dbFailed).record(nanos, TimeUnit.NANOSECONDS);
          if (nanos >= slowQueryNanos) {
            SLOW.atWarn()
                .addKeyValue("duration_ms", nanos / 1_000_000.0)
                .addKeyValue("statement", oneLine(name))
                .addKeyValue("outcome", failure == null ? "ok" : "error")
                .log("slow query: {} ms", nanos / 1_000_000);
          }
        }
        case "redis" -> (failure == null ? redis : redisFailed).record(nanos, TimeUnit.NANOSECONDS);
        default -> {}
      }
      if (span != null) {
        if (failure != null) {
          span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
      }
    };
  }

  private Span startSpan(String kind, String name) {
    Context trace = RequestScope.currentValue(TRACE);
    Context parent = trace == null ? Context.root() : trace;
    var b =
        tracer
            .get()
            .spanBuilder(kind.equals("db") ? "SQL " + firstWord(name) : kind + " " + name)
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("db.system", kind.equals("db") ? "postgresql" : kind);
    if (kind.equals("db")) {
      b.setAttribute(DB_STATEMENT, oneLine(name));
    }
    return b.startSpan();
  }

  static String oneLine(String sql) {
    return sql.replaceAll("\\s+", " ").trim();
  }

  private static String firstWord(String sql) {
    String s = sql.stripLeading();
    int sp = s.indexOf(' ');
    return (sp < 0 ? s : s.substring(0, sp)).toUpperCase(java.util.Locale.ROOT);
  }
}
