package io.hotpath.article;

import io.vertx.core.Future;
import java.util.List;

/**
 * How article reads are answered: from the two-level cache (the default), or with every view built
 * by one SQL statement (CACHE=off, the benchmark's "no cache" ablation). Writes and invalidation
 * are the same either way.
 */
interface ArticleReads {
  /** A page of the filtered list (views without bodies), newest first. */
  Future<List<ArticleView>> page(Long viewer, ArticleFilter filter, int limit, int offset);

  /** A page of {@code viewer}'s feed, newest first. */
  Future<List<ArticleView>> feed(long viewer, int limit, int offset);

  /** The article with its body as {@code viewer} sees it, or null. */
  Future<ArticleView> bySlug(Long viewer, String slug);

  /** Views through the cache: id pages from SQL, everything else from cached cores and profiles. */
  static ArticleReads cached(ArticleRepository repo, ArticleCache cache) {
    return new ArticleReads() {
      @Override
      public Future<List<ArticleView>> page(Long viewer, ArticleFilter f, int limit, int offset) {
        return repo.pageIds(f, limit, offset).compose(ids -> cache.views(viewer, ids, false));
      }

      @Override
      public Future<List<ArticleView>> feed(long viewer, int limit, int offset) {
        return repo.feedIds(viewer, limit, offset).compose(ids -> cache.views(viewer, ids, false));
      }

      @Override
      public Future<ArticleView> bySlug(Long viewer, String slug) {
        return cache
            .idOf(slug)
            .compose(
                id ->
                    id.isEmpty()
                        ? Future.succeededFuture((ArticleView) null)
                        : cache
                            .views(viewer, List.of(id.get()), true)
                            .map(l -> l.isEmpty() ? null : l.get(0)));
      }
    };
  }

  /** Every view built in SQL: one statement per page or article, nothing cached. */
  static ArticleReads sql(ArticleRepository repo) {
    return new ArticleReads() {
      @Override
      public Future<List<ArticleView>> page(Long viewer, ArticleFilter f, int limit, int offset) {
        return repo.page(f, viewer, limit, offset);
      }

      @Override
      public Future<List<ArticleView>> feed(long viewer, int limit, int offset) {
        return repo.feed(viewer, limit, offset);
      }

      @Override
      public Future<ArticleView> bySlug(Long viewer, String slug) {
        return repo.bySlug(viewer, slug);
      }
    };
  }
}
