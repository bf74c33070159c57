package io.hotpath.article;

import io.vertx.core.Future;
import java.util.List;

/**
 * How article reads are answered: from the two-level cache (the default), or with every view built
 * by one SQL statement (CACHE=off, the benchmark's "no cache" ablation). Writes and invalidation
 * are the same either way.
 */
interface ArticleReads {
  /** A page of the filtered list (views without bodies), newest first, and the total. */
  Future<Page> page(Long viewer, ArticleFilter filter, int limit, int offset);

  /** A page of views and the filter's total. */
  record Page(Views views, long count) {}

  /** A page of {@code viewer}'s feed, newest first, and the feed's total. */
  Future<Page> feed(long viewer, int limit, int offset);

  /** The article with its body as {@code viewer} sees it: one view, or none. */
  Future<Views> bySlug(Long viewer, String slug);

  /**
   * Views through the cache: id pages and feed pages from the page caches ({@link ArticleLists}; a
   * feed of more than {@link ArticleLists#FEED_FOLLOWEES} followees from one statement), everything
   * else from cached cores and profiles.
   */
  static ArticleReads cached(ArticleRepository repo, ArticleCache cache, ArticleLists lists) {
    return new ArticleReads() {
      @Override
      public Future<Page> page(Long viewer, ArticleFilter f, int limit, int offset) {
        return lists
            .page(f, limit, offset)
            .compose(p -> cache.views(viewer, p.ids(), false).map(v -> new Page(v, p.count())));
      }

      @Override
      public Future<Page> feed(long viewer, int limit, int offset) {
        return lists
            .feed(viewer, limit, offset)
            .compose(
                cached ->
                    cached.isPresent()
                        ? Future.succeededFuture(cached.get())
                        : repo.feedIds(viewer, limit, offset))
            .compose(p -> cache.views(viewer, p.ids(), false).map(v -> new Page(v, p.count())));
      }

      @Override
      public Future<Views> bySlug(Long viewer, String slug) {
        return cache
            .idOf(slug)
            .compose(
                id ->
                    id.isEmpty()
                        ? Future.<Views>succeededFuture(new Views.Built(List.of()))
                        : cache.views(viewer, List.of(id.get()), true).map(Views.class::cast));
      }
    };
  }

  /** Every view built in SQL: one statement per page or article, nothing cached. */
  static ArticleReads sql(ArticleRepository repo) {
    return new ArticleReads() {
      @Override
      public Future<Page> page(Long viewer, ArticleFilter f, int limit, int offset) {
        Future<List<ArticleView>> page =
            limit == 0 ? Future.succeededFuture(List.of()) : repo.page(f, viewer, limit, offset);
        var count = repo.count(f);
        return Future.all(page, count)
            .map(v -> new Page(new Views.Built(page.result()), count.result()));
      }

      @Override
      public Future<Page> feed(long viewer, int limit, int offset) {
        Future<List<ArticleView>> page =
            limit == 0 ? Future.succeededFuture(List.of()) : repo.feed(viewer, limit, offset);
        var count = repo.feedCount(viewer);
        return Future.all(page, count)
            .map(v -> new Page(new Views.Built(page.result()), count.result()));
      }

      @Override
      public Future<Views> bySlug(Long viewer, String slug) {
        return repo.bySlug(viewer, slug)
            .map(a -> new Views.Built(a == null ? List.of() : List.of(a)));
      }
    };
  }
}
