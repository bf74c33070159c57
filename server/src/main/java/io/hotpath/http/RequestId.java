package io.hotpath.http;

import io.hotpath.kernel.RequestScope;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The first handler of every request: gives it an id (the caller's {@code X-Request-Id} when it is
 * sane, else a fresh one), echoed in the response header and carried into logs and jobs through the
 * {@link RequestScope} it begins, and sets the headers every response carries ({@code
 * X-Content-Type-Options: nosniff}: browsers never guess a type other than the one declared).
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
    RequestScope.begin(ctx.vertx().getOrCreateContext(), id);
    ctx.response().putHeader(HEADER, id).putHeader("X-Content-Type-Options", EdgeGuard.NOSNIFF);
    ctx.next();
  }

  /** The id of this request. */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
