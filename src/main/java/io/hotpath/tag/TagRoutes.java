package io.hotpath.tag;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.hotpath.http.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code GET /api/tags}: tags in use, most used first, at most {@link #LIMIT}. Cached under one key
 * that every article write touching tags invalidates.
 */
public final class TagRoutes implements Consumer<Router> {
  static final int LIMIT = 1000;
  private static final String KEY = "popular";

  private final TagRepository repo;
  private final TwoLevelCache<PopularTags> cache;

  /** Routes over {@code sql}; {@code caches} null means no caching. */
  public TagRoutes(Sql sql, Caches caches, CacheSettings settings) {
    this.repo = new TagRepository(sql);
    this.cache =
        caches == null
            ? null
            : caches.create(
                "tags",
                caches.type(PopularTags.class),
                settings,
                keys -> repo.popular(LIMIT).map(tags -> Map.of(KEY, new PopularTags(tags))));
  }

  /** The cache article writes invalidate (null without caching). */
  public TwoLevelCache<?> cache() {
    return cache;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/tags")
        .handler(
            ctx ->
                popular()
                    .onSuccess(tags -> Json.ok(ctx, Map.of("tags", tags)))
                    .onFailure(ctx::fail));
  }

  private Future<List<String>> popular() {
    return cache == null
        ? repo.popular(LIMIT)
        : cache.get(KEY).map(p -> p.map(PopularTags::tags).orElse(List.of()));
  }

  /** The cached value: the tag names in popularity order. */
  public record PopularTags(List<String> tags) {}
}
