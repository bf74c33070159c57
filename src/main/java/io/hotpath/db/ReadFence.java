package io.hotpath.db;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.ContextLocal;

/**
 * How fresh the current request's lag-tolerant reads must be: the epoch millisecond of the caller's
 * last write (a replica must have replayed past it), {@link #PRIMARY} (only the primary will do),
 * or nothing (anonymous: any replica within the lag bound). Kept per request on its duplicated
 * Vert.x context, so repositories need not be handed the request.
 */
public final class ReadFence {
  /** The fence that no replica passes: read from the primary. */
  public static final long PRIMARY = Long.MAX_VALUE;

  private static final ContextLocal<Long> CURRENT = ContextLocal.registerLocal(Long.class);

  private ReadFence() {}

  /** Sets the fence for the request running on {@code ctx}. */
  public static void set(Context ctx, long writeMillis) {
    CURRENT.put(ctx, writeMillis);
  }

  /** The fence of the request on the current context, or null when it has none. */
  static Long current() {
    var ctx = Vertx.currentContext();
    return ctx == null ? null : CURRENT.get(ctx);
  }

  /**
   * Registers the context local; must run before the Vertx instance is created (Vert.x sizes each
   * context's local storage then). Idempotent.
   */
  public static void registerContextLocal() {
    // class initialisation registers CURRENT
  }
}
