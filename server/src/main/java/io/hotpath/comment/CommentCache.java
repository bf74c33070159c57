package io.hotpath.comment;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * The first {@link #KEPT} comments of each article (at most {@link #KEPT_CHARS} of bodies) by
 * article id (two-level, invalidated by every comment added or deleted, across instances like every
 * cache). Pages beyond them go to SQL. Loaded from the primary, so a lagging replica never fills
 * the cache with a list that misses a comment its author has just been answered for.
 */
final class CommentCache {
  /** The default page (100): a page within it, on an article warm in the cache, costs no SQL. */
  static final int KEPT = 100;

  /**
   * Characters of comment bodies kept per article (a body may have 20,000): L1 bounds entries, not
   * bytes, so this bounds what one entry can hold whatever commenters post; the rest of a page that
   * does not fit is served by SQL.
   */
  static final int KEPT_CHARS = 32 * 1024;

  private final TwoLevelCache<CommentPage> pages;

  CommentCache(Caches caches, CommentRepository repo, CacheSettings settings) {
    this.pages =
        caches.readCache(
            "comments",
            caches.type(CommentPage.class),
            settings,
            ids -> {
              // one statement per article: each names its article's id, so a sharded deployment
              // plans it onto that article's one shard (misses come one article at a time anyway)
              var loads = new ArrayList<Future<Optional<CommentPage>>>(ids.size());
              var keys = new ArrayList<String>(ids.size());
              for (String id : ids) {
                keys.add(id);
                loads.add(repo.first(Long.parseLong(id), KEPT, KEPT_CHARS));
              }
              return Future.all(loads)
                  .map(
                      v -> {
                        var out = new HashMap<String, CommentPage>();
                        for (int i = 0; i < keys.size(); i++) {
                          String key = keys.get(i);
                          loads.get(i).result().ifPresent(p -> out.put(key, p));
                        }
                        return out;
                      });
            });
  }

  /** The first comments of article {@code id}; empty when there is no such article. */
  Future<Optional<CommentPage>> page(long article) {
    return pages.get(Long.toString(article));
  }

  /**
   * After comment {@code c} of {@code article} was committed: a page kept here takes it in place
   * (no reload of up to {@link #KEPT} comments for each new one: on the realistic mix a hot
   * article's page changed with every comment, and its reloads were a tenth of PostgreSQL's
   * statement time); other instances drop theirs.
   */
  Future<Void> added(long article, CommentCore c) {
    return pages.update(Long.toString(article), page -> page.with(c, KEPT, KEPT_CHARS));
  }

  /** After a comment of article {@code id} was deleted. */
  Future<Void> invalidate(long article) {
    return pages.invalidate(List.of(Long.toString(article)));
  }
}
