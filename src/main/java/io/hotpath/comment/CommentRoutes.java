package io.hotpath.comment;

import io.hotpath.error.ApiException;
import io.hotpath.http.Input;
import io.hotpath.http.Json;
import io.hotpath.http.Paging;
import io.hotpath.http.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Consumer;

/** HTTP for comments: list (paged, default 100), add, delete (author only). */
public final class CommentRoutes implements Consumer<Router> {
  static final int BODY_MAX = 20_000;
  private static final int DEFAULT_LIMIT = 100;

  private final io.hotpath.db.Db db;
  private final CommentRepository repo;
  private final io.hotpath.notify.Notifications notifications;
  private final int maxLimit;
  private final int maxOffset;

  public CommentRoutes(
      io.hotpath.db.Db db,
      io.hotpath.notify.Notifications notifications,
      int maxLimit,
      int maxOffset) {
    this.db = db;
    this.notifications = notifications;
    this.repo = new CommentRepository(db, db.reads());
    this.maxLimit = Math.max(maxLimit, DEFAULT_LIMIT);
    this.maxOffset = maxOffset;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/articles/:slug/comments")
        .handler(
            ctx -> {
              var page = Paging.of(ctx, DEFAULT_LIMIT, maxLimit, maxOffset);
              String slug = ctx.pathParam("slug");
              repo.list(Viewer.id(ctx), slug, page.limit(), page.offset())
                  .compose(
                      list ->
                          list == null
                              ? Future.failedFuture(new ApiException.NotFound("article", slug))
                              : Future.succeededFuture(list))
                  .onSuccess(list -> Json.ok(ctx, Map.of("comments", list)))
                  .onFailure(ctx::fail);
            });
    router
        .post("/api/articles/:slug/comments")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var in = Input.body(ctx, "comment");
              String body = in.required("body", BODY_MAX);
              String slug = ctx.pathParam("slug");
              long me = Viewer.requireId(ctx);
              // the article author's notification is queued in the comment's own transaction
              db.inTransaction(
                      tx ->
                          CommentRepository.add(tx, me, body, slug)
                              .compose(
                                  a ->
                                      a == null || notifications == null
                                          ? Future.succeededFuture(a)
                                          : notifications
                                              .enqueue(
                                                  tx,
                                                  a.articleAuthorId(),
                                                  "comment",
                                                  me,
                                                  a.articleId(),
                                                  a.view().id())
                                              .map(a)))
                  .compose(
                      a ->
                          a == null
                              ? Future.failedFuture(new ApiException.NotFound("article", slug))
                              : Future.succeededFuture(a.view()))
                  .onSuccess(c -> Json.send(ctx, 201, Map.of("comment", c)))
                  .onFailure(ctx::fail);
            });
    router
        .delete("/api/articles/:slug/comments/:id")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              String slug = ctx.pathParam("slug");
              long id = io.hotpath.http.PathIds.of(ctx, "id");
              repo.deleteOwn(slug, id, Viewer.requireId(ctx))
                  .compose(
                      deleted ->
                          deleted
                              ? Future.<Void>succeededFuture()
                              : repo.explainDelete(slug, id)
                                  .compose(
                                      why ->
                                          Future.<Void>failedFuture(
                                              switch (why) {
                                                case NO_ARTICLE ->
                                                    new ApiException.NotFound("article", slug);
                                                case NO_COMMENT ->
                                                    new ApiException.NotFound("comment", id);
                                                case NOT_AUTHOR ->
                                                    new ApiException.Forbidden("comment");
                                              })))
                  .onSuccess(v -> ctx.response().setStatusCode(204).end())
                  .onFailure(ctx::fail);
            });
  }
}
