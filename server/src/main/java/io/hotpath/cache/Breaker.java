package io.hotpath.cache;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A small circuit breaker for Redis: after {@code threshold} consecutive failures it opens and
 * calls are skipped (answered from L1 and the database) for {@code openNanos}; then one probe is
 * let through, and its success closes the breaker again.
 *
 * <p>Written here rather than taken from a library because it needs exactly one extra behaviour: a
 * callback on every re-close, which replays the invalidations Redis missed while it was down. Time
 * comes from an injected nano clock so tests advance it instead of sleeping.
 */
public final class Breaker {
  private final int threshold;
  private final long openNanos;
  private final LongSupplier nanoTime;
  private final Runnable onRecovery;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicLong openUntil = new AtomicLong(Long.MIN_VALUE); // MIN = closed

  public Breaker(int threshold, long openNanos, LongSupplier nanoTime, Runnable onRecovery) {
    this.threshold = threshold;
    this.openNanos = openNanos;
    this.nanoTime = nanoTime;
    this.onRecovery = onRecovery;
  }

  /** Whether a call may go to Redis now (closed, or open long enough to probe once). */
  public boolean allow() {
    long until = openUntil.get();
    if (until == Long.MIN_VALUE) {
      return true;
    }
    long now = nanoTime.getAsLong();
    // one caller wins the probe; the others keep skipping Redis until it reports back
    return now >= until && openUntil.compareAndSet(until, now + openNanos);
  }

  /** Records a successful call; re-closes an open breaker and runs the recovery callback. */
  public void success() {
    failures.set(0);
    if (openUntil.getAndSet(Long.MIN_VALUE) != Long.MIN_VALUE) {
      onRecovery.run();
    }
  }

  /** Records a failed call (error or timeout); opens the breaker at the threshold. */
  public void failure() {
    if (failures.incrementAndGet() >= threshold) {
      openUntil.updateAndGet(u -> u == Long.MIN_VALUE ? nanoTime.getAsLong() + openNanos : u);
    }
  }

  /** True while calls are being skipped. */
  public boolean isOpen() {
    return openUntil.get() != Long.MIN_VALUE;
  }
}
