package io.hotpath.http;

import io.hotpath.error.ApiException;
import io.hotpath.kernel.ErrorReports;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds the router, handlers in this order: request id (and scope), telemetry, admission (load
 * shedding, timeouts), CORS, body limit, rate limits, caching headers, authentication, the handlers
 * that need the caller (read-your-writes), then each feature's routes in the order the composition
 * root gives, and one failure handler for everything.
 */
public final class HttpApi {
  private HttpApi() {}

  /**
   * NUL can be stored in no PostgreSQL text column: a %00 in path or query is a 422, not a driver
   * error.
   */
  private static void rejectNul(RoutingContext ctx) {
    if (ctx.request().uri().contains("%00")) {
      ctx.fail(new ApiException.Invalid("path", "must not contain NUL characters"));
    } else {
      ctx.next();
    }
  }

  /**
   * A browser sends {@code Origin: null} or {@code scheme://host[:port]}; anything else is a 400
   * here (Vert.x's CORS handler would answer it with a 500).
   */
  private static void rejectMalformedOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null
        && !origin.equals("null")
        && !origin.matches("^[A-Za-z][A-Za-z0-9+.-]*://[^/\\s?#@]+$")) {
      ctx.fail(new ApiException.BadRequest("origin", "is malformed"));
    } else {
      ctx.next();
    }
  }

  /** The common handlers every request passes, before any feature. */
  public record Common(
      Handler<RoutingContext> telemetry,
      Admission admission,
      RateLimits limits,
      Handler<RoutingContext> authenticate,
      List<Handler<RoutingContext>> afterAuthentication,
      long bodyLimit,
      int sharedMaxAge,
      Representations representations,
      ErrorReports errors) {}

  /** A router with the common handlers and the given routes, mounted in order. */
  public static Router router(Vertx vertx, Common common, List<Consumer<Router>> routes) {
    Router router = Router.router(vertx);
    var failures = new Failures(common.bodyLimit(), common.errors());
    router.route().handler(new RequestId());
    router.route().handler(common.telemetry());
    router.route().handler(common.admission());
    router.route().handler(HttpApi::rejectNul);
    router.route().handler(HttpApi::rejectMalformedOrigin);
    router
        .route()
        .handler(
            CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(
                    Set.of(
                        HttpMethod.GET,
                        HttpMethod.POST,
                        HttpMethod.PUT,
                        HttpMethod.DELETE,
                        HttpMethod.OPTIONS))
                .allowedHeaders(
                    Set.of(
                        "Authorization",
                        "Content-Type",
                        "X-Requested-With",
                        "X-Request-Id",
                        "If-None-Match"))
                .exposedHeaders(
                    Set.of(
                        "X-Request-Id",
                        "ETag",
                        "RateLimit-Limit",
                        "RateLimit-Remaining",
                        "RateLimit-Reset",
                        "Retry-After"))
                .maxAgeSeconds(86400));
    // the body handler comes before anything asynchronous (the Redis-backed rate limits), or the
    // body would arrive before anyone reads it
    router
        .route("/api/*")
        .method(HttpMethod.POST)
        .method(HttpMethod.PUT)
        .handler(BodyHandler.create(false).setBodyLimit(common.bodyLimit()));
    var limits = common.limits();
    router.route("/api/*").handler(limits.perClient());
    router.post("/api/users").handler(limits.authPerClient());
    router.post("/api/users/login").handler(limits.authPerClient());
    router.post("/api/users/login").handler(limits.loginPerAccount());
    router
        .route("/api/*")
        .handler(HttpCaching.policy(common.sharedMaxAge(), common.representations()));
    router.route("/api/*").handler(common.authenticate());
    common.afterAuthentication().forEach(h -> router.route("/api/*").handler(h));
    routes.forEach(r -> r.accept(router));
    RouteTemplates.install(router);
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(413, failures);
    router.errorHandler(500, failures);
    return router;
  }
}
