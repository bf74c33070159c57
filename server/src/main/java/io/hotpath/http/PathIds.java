package io.hotpath.http;

import io.hotpath.error.ApiException;
import io.vertx.ext.web.RoutingContext;

/**
 * Numeric ids in paths: a positive long, or 422 naming the parameter (never a 500 or a 404 guess).
 */
public final class PathIds {
  private PathIds() {}

  /** The path parameter {@code name} as a positive long. */
  public static long of(RoutingContext ctx, String name) {
    try {
      long id = Long.parseLong(ctx.pathParam(name));
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // falls through to the 422 below
    }
    throw new ApiException.Invalid(name, "must be a positive integer");
  }
}
