package io.hotpath.replica;

import java.util.ArrayDeque;

/**
 * The arithmetic behind "the replica has caught up to time P": primary WAL positions sampled at
 * known times, and the position the replica has replayed; once the replica has replayed the
 * position sampled at P, everything committed before P is visible on it. Pure bookkeeping, no I/O,
 * so its rules are tested without a database. Thread-safe.
 */
final class CatchUp {
  /** Unknown: the replica serves nothing. */
  static final long UNKNOWN = Long.MIN_VALUE;

  private final ArrayDeque<long[]> pending = new ArrayDeque<>(); // {time, lsn}, oldest first
  private final int maxSamples;
  private volatile long caughtUpTo = UNKNOWN;

  CatchUp(int maxSamples) {
    this.maxSamples = maxSamples;
  }

  /** The primary was at {@code lsn} at {@code atMillis} (sampled before asking). */
  synchronized void primaryAt(long atMillis, long lsn) {
    if (pending.size() >= maxSamples) {
      pending.pollFirst();
    }
    pending.addLast(new long[] {atMillis, lsn});
  }

  /** The replica has replayed up to {@code lsn}: every sample at or below it is reached. */
  synchronized void replayed(long lsn) {
    long upTo = UNKNOWN;
    while (!pending.isEmpty() && pending.peekFirst()[1] <= lsn) {
      upTo = pending.pollFirst()[0];
    }
    if (upTo != UNKNOWN) {
      caughtUpTo = Math.max(caughtUpTo, upTo);
    }
  }

  /** The replica cannot be trusted until it is sampled again. */
  void unknown() {
    caughtUpTo = UNKNOWN;
  }

  /** The time the replica has caught up to, or {@link #UNKNOWN}. */
  long caughtUpTo() {
    return caughtUpTo;
  }

  /**
   * Whether a read may go to the replica: it has caught up to within {@code maxLagMillis} of {@code
   * now} (or the primary is down, so nothing newer exists), and past the read's {@code fence}
   * (null: none; {@link ReadFence#PRIMARY}: never).
   */
  static boolean serves(
      long caughtUpTo, long now, long maxLagMillis, Long fence, boolean primaryDown) {
    return caughtUpTo != UNKNOWN
        && (caughtUpTo >= now - maxLagMillis || primaryDown)
        && (fence == null || (fence != ReadFence.PRIMARY && caughtUpTo >= fence));
  }
}
