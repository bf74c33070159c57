package io.hotpath.article;

import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.hotpath.http.Input;
import io.hotpath.http.Json;
import io.hotpath.http.Paging;
import io.hotpath.http.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Consumer;

/** HTTP for articles, the feed and favorites. */
public final class ArticleRoutes implements Consumer<Router> {
  private static final int DEFAULT_LIMIT = 20;

  private final ArticleService service;
  private final Markdown markdown;
  private final int maxLimit;
  private final int maxOffset;

  /**
   * Routes over {@code db}; with {@code caches} (and the shared {@code profiles} and {@code
   * popularTags} caches) reads go through the two-level cache.
   */
  public ArticleRoutes(
      Db db,
      int maxLimit,
      int maxOffset,
      io.hotpath.cache.Caches caches,
      io.hotpath.cache.CacheSettings settings,
      io.hotpath.social.Profiles profiles,
      io.hotpath.cache.TwoLevelCache<?> popularTags,
      io.hotpath.notify.Notifications notifications,
      io.vertx.core.WorkerExecutor cpu) {
    this.service =
        new ArticleService(
            db,
            caches == null ? null : new ArticleCache(caches, db, settings, profiles, popularTags),
            notifications);
    this.markdown = new Markdown(cpu);
    this.maxLimit = maxLimit;
    this.maxOffset = maxOffset;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/articles")
        .handler(
            ctx -> {
              var page = Paging.of(ctx, DEFAULT_LIMIT, maxLimit, maxOffset);
              var filter =
                  new ArticleFilter(
                      param(ctx, "tag"), param(ctx, "author"), param(ctx, "favorited"));
              service
                  .list(Viewer.id(ctx), filter, page.limit(), page.offset())
                  .onSuccess(list -> Json.ok(ctx, list))
                  .onFailure(ctx::fail);
            });
    router
        .get("/api/articles/feed")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var page = Paging.of(ctx, DEFAULT_LIMIT, maxLimit, maxOffset);
              service
                  .feed(Viewer.requireId(ctx), page.limit(), page.offset())
                  .onSuccess(list -> Json.ok(ctx, list))
                  .onFailure(ctx::fail);
            });
    router
        .post("/api/articles")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var in = Input.body(ctx, "article");
              var tags = in.stringList("tagList", ArticleService.TAGS_MAX, ArticleService.TAG_MAX);
              reply(
                  ctx,
                  201,
                  service.create(
                      Viewer.requireId(ctx),
                      in.required("title", ArticleService.TITLE_MAX),
                      in.required("description", ArticleService.DESCRIPTION_MAX),
                      in.required("body", ArticleService.BODY_MAX),
                      tags.orElse(java.util.List.of())));
            });
    router
        .get("/api/articles/:slug")
        .handler(
            ctx -> {
              var article = service.get(Viewer.id(ctx), ctx.pathParam("slug"));
              reply(
                  ctx,
                  200,
                  "true".equals(ctx.request().getParam("html"))
                      ? article.compose(markdown::withHtml)
                      : article);
            });
    router
        .put("/api/articles/:slug")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var in = Input.body(ctx, "article");
              reply(
                  ctx,
                  200,
                  service.update(
                      Viewer.requireId(ctx),
                      ctx.pathParam("slug"),
                      nonBlank(in.patch("title", ArticleService.TITLE_MAX), "title"),
                      nonBlank(
                          in.patch("description", ArticleService.DESCRIPTION_MAX), "description"),
                      nonBlank(in.patch("body", ArticleService.BODY_MAX), "body"),
                      in.stringList("tagList", ArticleService.TAGS_MAX, ArticleService.TAG_MAX)));
            });
    router
        .delete("/api/articles/:slug")
        .handler(Viewer.required())
        .handler(
            ctx ->
                service
                    .delete(Viewer.requireId(ctx), ctx.pathParam("slug"))
                    .onSuccess(v -> ctx.response().setStatusCode(204).end())
                    .onFailure(ctx::fail));
    router
        .post("/api/articles/:slug/favorite")
        .handler(Viewer.required())
        .handler(
            ctx -> reply(ctx, 200, service.favorite(Viewer.requireId(ctx), ctx.pathParam("slug"))));
    router
        .delete("/api/articles/:slug/favorite")
        .handler(Viewer.required())
        .handler(
            ctx ->
                reply(ctx, 200, service.unfavorite(Viewer.requireId(ctx), ctx.pathParam("slug"))));
  }

  /** A field of an update: absent stays null ("unchanged"); present must not be null or blank. */
  private static String nonBlank(io.hotpath.kernel.Patch<String> p, String field) {
    if (!p.present()) {
      return null;
    }
    if (p.value() == null || p.value().isBlank()) {
      throw new ApiException.Invalid(field, "can't be blank");
    }
    return p.value();
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : v;
  }

  private static void reply(RoutingContext ctx, int status, Future<ArticleView> article) {
    article.onSuccess(a -> Json.send(ctx, status, Map.of("article", a))).onFailure(ctx::fail);
  }
}
