package io.hotpath.http;

import io.hotpath.error.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load shedding at the door: at most MAX_INFLIGHT requests are being handled by this instance at
 * once (over all event loops); the next one is answered 503 with Retry-After at once, before it
 * costs a body read, a token check or a database round trip. Health and metrics endpoints are never
 * shed, so an overloaded instance stays observable and is not killed for being busy.
 *
 * <p>Why a counter and not a queue: queued requests only wait to time out; a fast 503 lets the
 * client or nginx retry elsewhere while this instance keeps the p99 of what it admitted.
 */
public final class Admission implements Handler<RoutingContext> {
  private final int max;
  private final long timeoutMillis;
  private final AtomicInteger inflight = new AtomicInteger();
  private final Counter shed;
  private final Counter timedOut;
  private volatile boolean draining;

  /**
   * At most {@code max} requests in flight; a request whose response has not started after {@code
   * timeoutMillis} is answered 503 (a streamed response that has started is left alone).
   */
  public Admission(int max, long timeoutMillis, MeterRegistry registry) {
    this.max = max;
    this.timeoutMillis = timeoutMillis;
    this.timedOut =
        Counter.builder("hotpath.http.timeouts")
            .description("requests answered 503 after REQUEST_TIMEOUT_MS without a response")
            .register(registry);
    this.shed =
        Counter.builder("hotpath.http.shed")
            .description("requests refused with 503 because MAX_INFLIGHT were in flight")
            .register(registry);
    Gauge.builder("hotpath.http.inflight", inflight, AtomicInteger::get).register(registry);
  }

  /**
   * Shutdown has begun: every response from now on says {@code Connection: close}, so a proxy stops
   * reusing its kept-alive connections to this instance before the server stops accepting (a
   * request written into a connection the server is closing is one nginx cannot safely retry).
   */
  public void drain() {
    draining = true;
  }

  private static final String OWN_TIME_LIMIT = "hotpath.own-time-limit";

  /**
   * The request's route bounds its own time (an admin profile records for as long as asked, up to
   * its own maximum), so REQUEST_TIMEOUT_MS does not apply to it.
   */
  public static void ownTimeLimit(RoutingContext ctx) {
    ctx.put(OWN_TIME_LIMIT, Boolean.TRUE);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (draining) {
      ctx.response().putHeader("Connection", "close");
    }
    String path = ctx.request().path();
    if (path.startsWith("/health") || path.equals("/metrics")) {
      ctx.next();
      return;
    }
    if (inflight.incrementAndGet() > max) {
      inflight.decrementAndGet();
      shed.increment();
      ctx.fail(new ApiException.Unavailable("server (overloaded)", null));
      return;
    }
    var vertx = ctx.vertx();
    long timer =
        vertx.setTimer(
            timeoutMillis,
            id -> {
              if (!ctx.response().headWritten()
                  && !ctx.response().closed()
                  && ctx.get(OWN_TIME_LIMIT) == null) {
                timedOut.increment();
                ctx.fail(new ApiException.Unavailable("server (request timed out)", null));
              }
            });
    ctx.addEndHandler(
        v -> {
          inflight.decrementAndGet();
          vertx.cancelTimer(timer);
        });
    ctx.next();
  }
}
