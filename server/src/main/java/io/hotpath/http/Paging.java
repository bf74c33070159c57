package io.hotpath.http;

import io.hotpath.error.ApiException;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code limit} and {@code offset} query parameters. Negative or non-numeric values get 422;
 * a limit above the maximum is capped; an offset above the maximum gets 422 (deep offsets scan).
 */
public record Paging(int limit, int offset) {

  /** The page asked for by this request, within the configured bounds. */
  public static Paging of(RoutingContext ctx, int defaultLimit, int maxLimit, int maxOffset) {
    int limit = Math.min(param(ctx, "limit", defaultLimit, Integer.MAX_VALUE), maxLimit);
    int offset = param(ctx, "offset", 0, maxOffset);
    return new Paging(limit, offset);
  }

  private static int param(RoutingContext ctx, String name, int dflt, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new ApiException.Invalid(name, "must be a non-negative integer");
    }
    if (v < 0) {
      throw new ApiException.Invalid(name, "must be a non-negative integer");
    }
    if (v > max) {
      if (max == Integer.MAX_VALUE) {
        return Integer.MAX_VALUE;
      }
      throw new ApiException.Invalid(name, "must be at most " + max);
    }
    return (int) v;
  }
}
