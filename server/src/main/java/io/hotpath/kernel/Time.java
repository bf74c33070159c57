package io.hotpath.kernel;

import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * The one source of time: a wall clock (timestamps, leases, retention, rate windows) and a
 * monotonic nano ticker (durations, cache expiry, circuit breakers). Built once by the composition
 * root; tests hand in clocks they move by hand instead of sleeping.
 */
public record Time(Clock clock, LongSupplier ticker) {
  /** The system's UTC clock and {@code System.nanoTime}. */
  public static Time system() {
    return new Time(Clock.systemUTC(), System::nanoTime);
  }

  /** Now, in epoch milliseconds. */
  public long millis() {
    return clock.millis();
  }

  /** The ticker's reading, in nanoseconds (only differences mean anything). */
  public long nanos() {
    return ticker.getAsLong();
  }
}
