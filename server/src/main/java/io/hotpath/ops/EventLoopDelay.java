package io.hotpath.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop delay: every 100 ms a timer is set on each event loop; how late it fires is how long
 * work waited for the loop (blocking code, long handlers). Recorded in {@code
 * hotpath.eventloop.delay}.
 */
public final class EventLoopDelay {
  private static final long PERIOD_MS = 100;

  private EventLoopDelay() {}

  /**
   * Starts probing {@code loops} event loops of {@code vertx} (one tiny verticle instance per
   * loop).
   */
  public static void start(
      Vertx vertx, MeterRegistry registry, int loops, java.util.function.LongSupplier ticker) {
    vertx.deployVerticle(
        () ->
            new io.vertx.core.VerticleBase() {
              @Override
              public io.vertx.core.Future<?> start() {
                schedule(vertx, delayTimer(registry), ticker, ticker.getAsLong());
                return io.vertx.core.Future.succeededFuture();
              }
            },
        new io.vertx.core.DeploymentOptions().setInstances(loops));
  }

  private static Timer delayTimer(MeterRegistry registry) {
    return Timer.builder("hotpath.eventloop.delay")
        .description("how late a 100 ms timer fires on an event loop")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(5))
        .register(registry);
  }

  private static void schedule(
      Vertx vertx, Timer delay, java.util.function.LongSupplier ticker, long now) {
    long expected = now + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    vertx.setTimer(
        PERIOD_MS,
        id -> {
          long t = ticker.getAsLong();
          delay.record(Math.max(0, t - expected), TimeUnit.NANOSECONDS);
          schedule(vertx, delay, ticker, t);
        });
  }
}
