package io.hotpath.notify;

import io.hotpath.error.ApiException;
import io.hotpath.http.Json;
import io.hotpath.http.Paging;
import io.hotpath.http.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** {@code GET /api/notifications} (paged, newest first, with the unread count) and mark-as-read. */
final class NotificationRoutes implements Consumer<Router> {
  private final NotificationRepository repo;

  NotificationRoutes(NotificationRepository repo) {
    this.repo = repo;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/notifications")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              long me = Viewer.requireId(ctx);
              var page = Paging.of(ctx, 20, 100, 10_000);
              var list = repo.page(me, page.limit(), page.offset());
              var unread = repo.unread(me);
              Future.all(list, unread)
                  .onSuccess(
                      v ->
                          Json.ok(
                              ctx,
                              Map.of(
                                  "notifications",
                                      list.result().stream().map(JsonObject::getMap).toList(),
                                  "unreadCount", unread.result())))
                  .onFailure(ctx::fail);
            });
    router
        .post("/api/notifications/read")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              long me = Viewer.requireId(ctx);
              List<Long> ids = null;
              var buf = ctx.body().buffer();
              if (buf != null && buf.length() > 0) {
                try {
                  var arr = new JsonObject(buf).getJsonArray("ids");
                  if (arr != null) {
                    ids = new ArrayList<>();
                    for (Object o : arr) {
                      ids.add(((Number) o).longValue());
                    }
                  }
                } catch (RuntimeException e) {
                  throw new ApiException.Invalid("ids", "must be an array of notification ids");
                }
              }
              repo.markRead(me, ids)
                  .compose(v -> repo.unread(me))
                  .onSuccess(n -> Json.ok(ctx, Map.of("unreadCount", n)))
                  .onFailure(ctx::fail);
            });
  }
}
