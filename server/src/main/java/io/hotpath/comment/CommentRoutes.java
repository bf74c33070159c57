package io.hotpath.comment;

import io.hotpath.config.Config;
import io.hotpath.db.Db;
import io.hotpath.http.Input;
import io.hotpath.http.Json;
import io.hotpath.http.Paging;
import io.hotpath.http.PathIds;
import io.hotpath.http.TextRules;
import io.hotpath.http.Viewer;
import io.hotpath.notify.Notifications;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** HTTP for comments: list (paged, default 100), add, delete (author only). */
public final class CommentRoutes implements Consumer<Router> {
  static final int BODY_MAX = 20_000;
  private static final int DEFAULT_LIMIT = 100;

  private final CommentService service;
  private final int maxLimit;
  private final int maxOffset;

  /**
   * {@code articleIds}: the id of the article a slug names, if any (from the article feature);
   * comment lists cached in {@code caches} unless CACHE=off ({@code cachedReads}).
   */
  public CommentRoutes(
      Db db,
      Notifications notifications,
      Config.Http http,
      Function<String, Future<Optional<Long>>> articleIds,
      io.hotpath.cache.Caches caches,
      io.hotpath.cache.CacheSettings settings,
      io.hotpath.social.Profiles profiles,
      boolean cachedReads) {
    this.service =
        new CommentService(db, notifications, articleIds, caches, settings, profiles, cachedReads);
    this.maxLimit = Math.max(http.maxPageSize(), DEFAULT_LIMIT);
    this.maxOffset = http.maxOffset();
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/articles/:slug/comments")
        .handler(
            ctx -> {
              var page = Paging.of(ctx, DEFAULT_LIMIT, maxLimit, maxOffset);
              service
                  .list(Viewer.id(ctx), ctx.pathParam("slug"), page.limit(), page.offset())
                  .onSuccess(answer -> Json.answer(ctx, answer))
                  .onFailure(ctx::fail);
            });
    router
        .post("/api/articles/:slug/comments")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var in = Input.body(ctx, "comment");
              String body = in.required("body", BODY_MAX, TextRules.Kind.MULTILINE);
              service
                  .add(Viewer.requireId(ctx), ctx.pathParam("slug"), body)
                  .onSuccess(c -> Json.send(ctx, 201, Map.of("comment", c)))
                  .onFailure(ctx::fail);
            });
    router
        .delete("/api/articles/:slug/comments/:id")
        .handler(Viewer.required())
        .handler(
            ctx ->
                service
                    .delete(Viewer.requireId(ctx), ctx.pathParam("slug"), PathIds.of(ctx, "id"))
                    .onSuccess(v -> ctx.response().setStatusCode(204).end())
                    .onFailure(ctx::fail));
  }
}
