package io.hotpath.article;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.config.Config;
import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.hotpath.http.Answer;
import io.hotpath.http.Fingerprint;
import io.hotpath.http.Input;
import io.hotpath.http.Json;
import io.hotpath.http.Paging;
import io.hotpath.http.TextRules;
import io.hotpath.http.Viewer;
import io.hotpath.notify.Notifications;
import io.hotpath.social.Favorites;
import io.hotpath.social.Profiles;
import io.hotpath.tag.PopularTags;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** HTTP for articles, the feed and favorites. */
public final class ArticleRoutes implements Consumer<Router> {
  private static final int DEFAULT_LIMIT = 20;

  private final ArticleService service;
  private final Markdown markdown;
  private final int maxLimit;
  private final int maxOffset;
  private final ArticleCache cache;

  /**
   * Routes over {@code db}; reads through the two-level cache unless {@code cachedReads} is false
   * (CACHE=off: every view built in SQL).
   */
  public ArticleRoutes(
      Db db,
      Config.Http http,
      Caches caches,
      CacheSettings settings,
      boolean cachedReads,
      Profiles profiles,
      Favorites favorites,
      PopularTags popularTags,
      Notifications notifications,
      WorkerExecutor cpu) {
    var repo = new ArticleRepository(db, db.reads());
    this.cache = new ArticleCache(caches, db, settings, profiles, favorites, popularTags);
    var lists = new ArticleLists(caches, repo, profiles, settings);
    this.service =
        new ArticleService(
            db,
            repo,
            cache,
            lists,
            cachedReads ? ArticleReads.cached(repo, cache, lists) : ArticleReads.sql(repo),
            notifications,
            favorites);
    this.markdown = new Markdown(cpu);
    this.maxLimit = http.maxPageSize();
    this.maxOffset = http.maxOffset();
  }

  /**
   * The id of the article a slug names, if any, from the slug cache: how other features (comments)
   * name an article in their SQL.
   */
  public Future<Optional<Long>> idOf(String slug) {
    return cache.idOf(slug);
  }

  @Override
  public void accept(Router router) {
    lists(router); // /api/articles and the fixed /api/articles/feed before /:slug
    articles(router);
    favorites(router);
  }

  private void lists(Router router) {
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
                  .onSuccess(answer -> Json.answer(ctx, answer))
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
                  .onSuccess(answer -> Json.answer(ctx, answer))
                  .onFailure(ctx::fail);
            });
  }

  private void articles(Router router) {
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
                      in.required("body", ArticleService.BODY_MAX, TextRules.Kind.MULTILINE),
                      tags.orElse(java.util.List.of())));
            });
    router
        .get("/api/articles/:slug")
        .handler(
            ctx -> {
              boolean html = "true".equals(ctx.request().getParam("html"));
              service
                  .get(Viewer.id(ctx), ctx.pathParam("slug"))
                  .compose(
                      views ->
                          html
                              ? withHtml(views)
                              : Future.succeededFuture(
                                  views.answer(
                                      Fingerprint.Kind.ARTICLE,
                                      0,
                                      l -> Map.of("article", l.get(0)))))
                  .onSuccess(answer -> Json.answer(ctx, answer))
                  .onFailure(ctx::fail);
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
                      nonBlank(
                          in.patch("body", ArticleService.BODY_MAX, TextRules.Kind.MULTILINE),
                          "body"),
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
  }

  private void favorites(Router router) {
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

  /** The single article with {@code bodyHtml}: rendered (on the CPU pool) only when not kept. */
  private Future<Answer> withHtml(Views views) {
    Answer plain = views.answer(Fingerprint.Kind.ARTICLE_HTML, 0, l -> l.get(0));
    return switch (plain) {
      case Answer.Built b ->
          markdown.withHtml((ArticleView) b.body()).map(a -> Answer.of(Map.of("article", a)));
      case Answer.Versioned v ->
          Future.succeededFuture(
              Answer.versionedAsync(
                  v.fingerprint(),
                  () ->
                      v.body()
                          .get()
                          .compose(a -> markdown.withHtml((ArticleView) a))
                          .map(a -> (Object) Map.of("article", a))));
    };
  }

  private static void reply(RoutingContext ctx, int status, Future<ArticleView> article) {
    article.onSuccess(a -> Json.send(ctx, status, Map.of("article", a))).onFailure(ctx::fail);
  }
}
