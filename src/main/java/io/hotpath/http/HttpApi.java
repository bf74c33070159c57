package io.hotpath.http;

import io.hotpath.auth.Tokens;
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
 * Builds the router: request id, telemetry, admission (load shedding, timeouts), CORS, body limit,
 * authentication, then each feature's routes (handed in by the composition root), and one failure
 * handler for everything.
 */
public final class HttpApi {
  private HttpApi() {}

  /**
   * NUL can be stored in no PostgreSQL text column: a %00 in path or query is a 422, not a driver
   * error.
   */
  private static void rejectNul(RoutingContext ctx) {
    String uri = ctx.request().uri();
    if (uri.contains("%00")) {
      ctx.fail(
          new io.hotpath.error.ApiException.Invalid("path", "must not contain NUL characters"));
    } else {
      ctx.next();
    }
  }

  /** A router with the common handlers and the given feature routes mounted under /api. */
  public static Router router(
      Vertx vertx,
      Tokens tokens,
      long bodyLimit,
      int publicMaxAge,
      RateLimits limits,
      Handler<RoutingContext> telemetry,
      Admission admission,
      ReadYourWrites readYourWrites,
      List<Consumer<Router>> features) {
    Router router = Router.router(vertx);
    var failures = new Failures(bodyLimit);
    router.route().handler(new RequestId());
    router.route().handler(telemetry);
    router.route().handler(admission);
    router.route().handler(HttpApi::rejectNul);
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
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit));
    if (limits != null) {
      router.route("/api/*").handler(limits.perClient());
      router.post("/api/users").handler(limits.authPerClient());
      router.post("/api/users/login").handler(limits.authPerClient());
      router.post("/api/users/login").handler(limits.loginPerAccount());
    }
    router.route("/api/*").handler(HttpCaching.publicMaxAge(publicMaxAge));
    router.route("/api/*").handler(Viewer.authenticate(tokens));
    if (readYourWrites != null) {
      router.route("/api/*").handler(readYourWrites);
    }
    for (var feature : features) {
      feature.accept(router);
    }
    RouteTemplates.install(router);
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(413, failures);
    router.errorHandler(500, failures);
    return router;
  }
}
