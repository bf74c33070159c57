package io.hotpath.http;

import io.hotpath.error.ApiException;
import io.hotpath.kernel.ErrorReports;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses: {@link ApiException}s map to their status and the
 * RealWorld error body; anything else is a 500 carrying the request id, logged once with its cause.
 */
public final class Failures implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private final long bodyLimit;
  private final ErrorReports errors;

  public Failures(long bodyLimit, ErrorReports errors) {
    this.bodyLimit = bodyLimit;
    this.errors = errors;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Throwable t = ctx.failure();
    if (t != null && t.getCause() instanceof ApiException api && !(t instanceof ApiException)) {
      t = api;
    }
    if (t instanceof ApiException api) {
      if (api instanceof ApiException.TooManyRequests tm) {
        ctx.response().putHeader("Retry-After", Long.toString(tm.retryAfterSeconds()));
      }
      if (api.status() >= 500 && api.getCause() == null) {
        ctx.response().putHeader("Retry-After", "1"); // shed or timed out: expected under load
      } else if (api.status() >= 500) {
        LOG.warn(
            "request {} {} {} failed: {} ({})",
            RequestId.of(ctx),
            ctx.request().method().name(),
            RouteTemplates.of(ctx),
            api.getMessage(),
            api.getCause() == null ? "-" : api.getCause().toString());
        ctx.response().putHeader("Retry-After", "1");
      }
      Json.send(ctx, api.status(), Map.of("errors", api.errors()));
      return;
    }
    int status = ctx.statusCode();
    if (t == null && status == 413) {
      var e = new ApiException.TooLarge(bodyLimit);
      Json.send(ctx, 413, Map.of("errors", e.errors()));
      return;
    }
    if (t == null && status == 503) {
      ctx.response().putHeader("Retry-After", "1");
      Json.send(
          ctx, 503, Map.of("errors", Map.of("server", List.of("is unavailable, retry later"))));
      return;
    }
    if (t == null && status >= 400 && status < 500) {
      Json.send(ctx, status, Map.of("errors", Map.of("request", List.of(reason(status)))));
      return;
    }
    if (t instanceof PgException pg && "22021".equals(pg.getSqlState())) { // invalid byte sequence
      Json.send(ctx, 422, Map.of("errors", Map.of("body", List.of("contains invalid characters"))));
      return;
    }
    if (t instanceof PgException pg && "23503".equals(pg.getSqlState())) { // foreign key
      // a row this write refers to went away meanwhile (a user, an article): not a server fault
      Json.send(
          ctx,
          409,
          Map.of(
              "errors", Map.of("request", List.of("refers to something that no longer exists"))));
      return;
    }
    String id = RequestId.of(ctx);
    String method = knownMethod(ctx.request().method().name());
    String route = RouteTemplates.of(ctx);
    LOG.error("request {} {} {} failed with an unexpected error", id, method, route, t);
    errors.requestFailed(
        t == null ? new IllegalStateException("status " + status + " without a cause") : t,
        id,
        method,
        route);
    Json.send(
        ctx,
        500,
        Map.of("errors", Map.of("server", List.of("unexpected error (request id " + id + ")"))));
  }

  /** The method for reports: one of HTTP's, or "other" (a client picks any token). */
  private static String knownMethod(String m) {
    return switch (m) {
      case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" -> m;
      default -> "other";
    };
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "is malformed";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 415 -> "unsupported media type";
      default -> "failed with status " + status;
    };
  }
}
