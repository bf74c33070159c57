package io.hotpath.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is sane, else a fresh one.
 * It is echoed in the response header and carried into logs.
 */
public final class RequestId implements Handler<RoutingContext> {
  static final String HEADER = "X-Request-Id";
  private static final String KEY = "hotpath.requestId";
  private static final io.vertx.core.spi.context.storage.ContextLocal<String> CURRENT =
      io.vertx.core.spi.context.storage.ContextLocal.registerLocal(String.class);

  @Override
  public void handle(RoutingContext ctx) {
    String id = ctx.request().getHeader(HEADER);
    if (id == null || id.length() > 64 || !id.matches("[A-Za-z0-9._-]+")) {
      id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
    ctx.put(KEY, id);
    CURRENT.put(ctx.vertx().getOrCreateContext(), id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /**
   * The id of the request being handled on the current Vert.x context (each request runs on its own
   * duplicated context), or null outside a request: jobs enqueued by a request carry it.
   */
  public static String current() {
    var ctx = io.vertx.core.Vertx.currentContext();
    return ctx == null ? null : CURRENT.get(ctx);
  }

  /**
   * Registers the request-id context local; must run before the Vertx instance is created (Vert.x
   * sizes each context's local storage when the instance starts). Idempotent.
   */
  public static void registerContextLocal() {
    // class initialisation registers CURRENT; nothing else to do
  }

  /** The id of this request. */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
