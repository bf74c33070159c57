package io.hotpath.replica;

import io.hotpath.kernel.RequestScope;

/**
 * How fresh the current request's lag-tolerant reads must be: the epoch millisecond of the caller's
 * last write (a replica must have replayed past it), {@link #PRIMARY} (only the primary will do),
 * or nothing (anonymous: any replica within the lag bound). Kept in the request's {@link
 * RequestScope}, so repositories need not be handed the request.
 */
public final class ReadFence {
  /** The fence that no replica passes: read from the primary. */
  public static final long PRIMARY = Long.MAX_VALUE;

  private static final RequestScope.Attribute<Long> FENCE =
      new RequestScope.Attribute<>("read-fence");

  private ReadFence() {}

  /** Sets the fence of the current request (no-op outside one). */
  static void set(long writeMillis) {
    var scope = RequestScope.current();
    if (scope != null) {
      scope.put(FENCE, writeMillis);
    }
  }

  /** The fence of the current request, or null when it has none. */
  public static Long current() {
    return RequestScope.currentValue(FENCE);
  }
}
