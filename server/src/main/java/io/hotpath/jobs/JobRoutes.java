package io.hotpath.jobs;

import io.hotpath.error.ApiException;
import io.hotpath.http.AdminToken;
import io.hotpath.http.Json;
import io.hotpath.http.Paging;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The admin API for dead jobs, protected by {@code X-Admin-Token} (ADMIN_TOKEN; without it the API
 * answers 404, so it does not exist): list, retry (back to the queue, attempts reset), discard.
 */
public final class JobRoutes implements Consumer<Router> {
  private final JobQueue queue;
  private final AdminToken guard;

  /** The admin API, on only when {@code adminToken} is set. */
  public JobRoutes(JobQueue queue, java.util.Optional<String> adminToken) {
    this.queue = queue;
    this.guard = new AdminToken(adminToken);
  }

  @Override
  public void accept(Router router) {
    router.route("/api/admin/jobs*").handler(guard);
    router
        .get("/api/admin/jobs")
        .handler(
            ctx -> {
              var page = Paging.of(ctx, 50, 500, 100_000);
              queue
                  .dead(page.limit(), page.offset())
                  .compose(
                      dead ->
                          queue
                              .stats()
                              .map(
                                  s ->
                                      Map.of(
                                          "stats",
                                          s.getMap(),
                                          "dead",
                                          dead.stream().map(JsonObject::getMap).toList())))
                  .onSuccess(body -> Json.ok(ctx, body))
                  .onFailure(ctx::fail);
            });
    router
        .post("/api/admin/jobs/:id/retry")
        .handler(
            ctx -> queue.retryDead(id(ctx)).onSuccess(ok -> respond(ctx, ok)).onFailure(ctx::fail));
    router
        .delete("/api/admin/jobs/:id")
        .handler(
            ctx ->
                queue.discardDead(id(ctx)).onSuccess(ok -> respond(ctx, ok)).onFailure(ctx::fail));
  }

  private static void respond(RoutingContext ctx, boolean ok) {
    if (ok) {
      ctx.response().setStatusCode(204).end();
    } else {
      ctx.fail(new ApiException.NotFound("job", ctx.pathParam("id") + " (dead)"));
    }
  }

  private static long id(RoutingContext ctx) {
    return io.hotpath.http.PathIds.of(ctx, "id");
  }
}
