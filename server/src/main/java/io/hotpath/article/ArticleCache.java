package io.hotpath.article;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.hotpath.kernel.Timestamps;
import io.hotpath.social.ProfileCore;
import io.hotpath.social.Profiles;
import io.hotpath.tag.PopularTags;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cached reads of articles: stored fields by id, ids by slug, each user's favorite set, and the
 * popular-tags list; plus the assembly of views for a viewer from those and {@link Profiles}. A
 * page of N articles, warm, costs no SQL beyond its id query; cold, a constant 4 more statements
 * (articles, authors, the viewer's follows and favorites), each one batch of {@code = ANY($1)}.
 */
final class ArticleCache {
  private final TwoLevelCache<ArticleCore> articles;
  private final TwoLevelCache<Long> slugs;
  private final TwoLevelCache<long[]> favorites;
  private final PopularTags tags;
  private final Profiles profiles;

  ArticleCache(
      Caches caches, Sql sql, CacheSettings settings, Profiles profiles, PopularTags popularTags) {
    this.profiles = profiles;
    this.tags = popularTags;
    this.articles =
        caches.readCache(
            "article",
            caches.type(ArticleCore.class),
            settings,
            ids ->
                sql.query(ArticleQueries.CORES_BY_IDS, Tuple.of(boxed(ids)))
                    .map(
                        rs -> {
                          var out = new HashMap<String, ArticleCore>();
                          for (Row r : rs) {
                            var c = core(r);
                            out.put(Long.toString(c.id()), c);
                          }
                          return out;
                        }));
    this.slugs =
        caches.readCache(
            "slug",
            caches.type(Long.class),
            settings,
            names ->
                sql.query(
                        ArticleQueries.IDS_BY_SLUGS,
                        Tuple.of((Object) names.toArray(String[]::new)))
                    .map(
                        rs -> {
                          var out = new HashMap<String, Long>();
                          for (Row r : rs) {
                            out.put(r.getString("slug"), r.getLong("id"));
                          }
                          return out;
                        }));
    this.favorites =
        caches.readCache(
            "favorites",
            caches.type(long[].class),
            settings,
            ids ->
                sql.query(ArticleQueries.FAVORITES_OF, Tuple.of(boxed(ids)))
                    .map(
                        rs -> {
                          var out = new HashMap<String, long[]>();
                          for (Row r : rs) {
                            out.put(
                                Long.toString(r.getLong("user_id")),
                                Arrays.stream(r.getArrayOfLongs("ids"))
                                    .mapToLong(Long::longValue)
                                    .toArray());
                          }
                          return out;
                        }));
  }

  /** The id of the article with this slug, if any. */
  Future<Optional<Long>> idOf(String slug) {
    return slugs.get(slug);
  }

  /**
   * Views of these articles, in this order, as {@code viewer} sees them (vanished ids are skipped).
   */
  Future<List<ArticleView>> views(Long viewer, List<Long> ids, boolean withBody) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    var keys = new ArrayList<String>(ids.size());
    for (Long id : ids) {
      keys.add(Long.toString(id));
    }
    Future<Map<String, ArticleCore>> cores = articles.getAll(keys);
    Future<Set<Long>> favs =
        viewer == null
            ? Future.succeededFuture(Set.of())
            : favorites
                .get(Long.toString(viewer))
                .map(o -> io.hotpath.kernel.Ids.toSet(o.orElse(new long[0])));
    Future<Set<Long>> follows =
        viewer == null ? Future.succeededFuture(Set.of()) : profiles.following(viewer);
    Future<Map<Long, ProfileCore>> authors =
        cores.compose(
            m -> {
              var authorIds = new HashSet<Long>();
              m.values().forEach(c -> authorIds.add(c.authorId()));
              return profiles.byIds(authorIds);
            });
    return Future.all(cores, favs, follows, authors)
        .map(
            v -> {
              var out = new ArrayList<ArticleView>(ids.size());
              for (String key : keys) {
                ArticleCore c = cores.result().get(key);
                ProfileCore a = c == null ? null : authors.result().get(c.authorId());
                if (c != null && a != null) {
                  out.add(
                      c.view(
                          withBody,
                          favs.result().contains(c.id()),
                          a.view(follows.result().contains(c.authorId()))));
                }
              }
              return out;
            });
  }

  /** After an article's fields, tags or favorite count changed, or it was deleted. */
  Future<Void> invalidateArticle(long id, Collection<String> slugsToForget, boolean tagsChanged) {
    var all = new ArrayList<Future<Void>>();
    all.add(articles.invalidate(List.of(Long.toString(id))));
    all.add(slugs.invalidate(slugsToForget));
    if (tagsChanged) {
      all.add(tags.invalidate());
    }
    return Future.all(all).mapEmpty();
  }

  /** After a new article: its slug may be cached as "not found", and the tag list changed. */
  Future<Void> invalidateNew(String slug, boolean hasTags) {
    return Future.all(
            slugs.invalidate(List.of(slug)), hasTags ? tags.invalidate() : Future.succeededFuture())
        .mapEmpty();
  }

  /** After {@code user} favorited or unfavorited article {@code id}. */
  Future<Void> invalidateFavorite(long user, long id) {
    return Future.all(
            favorites.invalidate(List.of(Long.toString(user))),
            articles.invalidate(List.of(Long.toString(id))))
        .mapEmpty();
  }

  private static ArticleCore core(Row r) {
    String[] tags = r.getArrayOfStrings("tag_list");
    return new ArticleCore(
        r.getLong("id"),
        r.getString("slug"),
        r.getString("title"),
        r.getString("description"),
        r.getString("body"),
        tags == null ? List.of() : List.of(tags),
        Timestamps.format(r.getOffsetDateTime("created_at")),
        Timestamps.format(r.getOffsetDateTime("updated_at")),
        r.getInteger("favorites_count"),
        r.getLong("author_id"));
  }

  private static Long[] boxed(Set<String> ids) {
    return ids.stream().map(Long::valueOf).toArray(Long[]::new);
  }
}
