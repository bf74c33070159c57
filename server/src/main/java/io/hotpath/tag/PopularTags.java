package io.hotpath.tag;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.hotpath.http.Answer;
import io.hotpath.http.Fingerprint;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The tag feature's public face: the tags in use, most used first (at most {@link #LIMIT}), cached
 * under one key that every article write touching tags invalidates through {@link #invalidate()}.
 */
public final class PopularTags {
  static final int LIMIT = 1000;
  private static final String KEY = "popular";

  private final TwoLevelCache<Names> cache;
  private final TagRoutes routes;
  private final boolean versioned;

  public PopularTags(Caches caches, Sql sql, CacheSettings settings) {
    var repo = new TagRepository(sql);
    this.cache =
        caches.readCache(
            "tags",
            caches.type(Names.class),
            settings,
            keys ->
                repo.popular(LIMIT)
                    .map(
                        tags ->
                            Map.of(
                                KEY,
                                new Names(
                                    tags,
                                    java.util.concurrent.ThreadLocalRandom.current().nextLong()))));
    this.versioned = caches.readCaches();
    this.routes = new TagRoutes(this);
  }

  /** {@code GET /api/tags}. */
  public Consumer<Router> routes() {
    return routes;
  }

  /**
   * {@code {"tags": [...]}}, the tags in use, most used first: versioned by the cached list's stamp
   * (a new one per load, so a changed list never keeps an old validator).
   */
  Future<Answer> answer() {
    return cache
        .get(KEY)
        .map(
            p -> {
              var names = p.orElse(new Names(List.of(), 0));
              Object body = Map.of("tags", names.tags());
              return versioned
                  ? Answer.versioned(
                      Fingerprint.of(Fingerprint.Kind.TAGS).add(names.stamp()), () -> body)
                  : Answer.of(body);
            });
  }

  /** After an article write that added or removed tags; completes once every instance knows. */
  public Future<Void> invalidate() {
    return cache.invalidate(List.of(KEY));
  }

  /**
   * The cached value: the tag names in popularity order, and a random stamp drawn when they were
   * loaded (kept with them in Redis, so every instance answers with the same validator).
   */
  record Names(List<String> tags, long stamp) {}
}
