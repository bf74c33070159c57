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

  @Override
  public void handle(RoutingContext ctx) {
    String id = ctx.request().getHeader(HEADER);
    if (id == null || id.length() > 64 || !id.matches("[A-Za-z0-9._-]+")) {
      id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The id of this request. */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
