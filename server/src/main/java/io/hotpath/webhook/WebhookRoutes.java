package io.hotpath.webhook;

import io.hotpath.error.ApiException;
import io.hotpath.http.Input;
import io.hotpath.http.Json;
import io.hotpath.http.Viewer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code /api/webhooks}: subscribe a URL to events (follow, favorite, comment), list, delete. The
 * signing secret is returned once, at creation.
 */
final class WebhookRoutes implements Consumer<Router> {
  private static final Set<String> EVENTS = Set.of("follow", "favorite", "comment");
  private final WebhookService service;

  WebhookRoutes(WebhookService service) {
    this.service = service;
  }

  @Override
  public void accept(Router router) {
    router
        .post("/api/webhooks")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var in = Input.body(ctx, "webhook");
              String url = in.required("url", 2000);
              List<String> events = in.stringList("events", 3, 20).orElse(List.copyOf(EVENTS));
              if (events.isEmpty() || !EVENTS.containsAll(events)) {
                throw new ApiException.Invalid("events", "must be some of " + EVENTS);
              }
              service
                  .subscribe(Viewer.requireId(ctx), url, events)
                  .onSuccess(w -> Json.send(ctx, 201, Map.of("webhook", w.getMap())))
                  .onFailure(ctx::fail);
            });
    router
        .get("/api/webhooks")
        .handler(Viewer.required())
        .handler(
            ctx ->
                service
                    .list(Viewer.requireId(ctx))
                    .onSuccess(
                        l ->
                            Json.ok(
                                ctx,
                                Map.of("webhooks", l.stream().map(JsonObject::getMap).toList())))
                    .onFailure(ctx::fail));
    router
        .delete("/api/webhooks/:id")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              long id = io.hotpath.http.PathIds.of(ctx, "id");
              service
                  .delete(id, Viewer.requireId(ctx))
                  .onSuccess(
                      ok -> {
                        if (ok) {
                          ctx.response().setStatusCode(204).end();
                        } else {
                          ctx.fail(new ApiException.NotFound("webhook", id));
                        }
                      })
                  .onFailure(ctx::fail);
            });
  }
}
