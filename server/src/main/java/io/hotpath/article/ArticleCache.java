package io.hotpath.article;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.hotpath.social.Favorites;
import io.hotpath.social.ProfileCore;
import io.hotpath.social.Profiles;
import io.hotpath.tag.PopularTags;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cached reads of articles: stored fields by id and ids by slug; plus the assembly of views for a
 * viewer from those, {@link Profiles} (authors, following) and {@link Favorites} (flags). A page of
 * N articles, warm, costs no SQL beyond its id query; cold, a constant 4 more statements (articles,
 * authors, the viewer's follows and favorites), each one batch of {@code = ANY($1)}.
 */
final class ArticleCache {
  private final TwoLevelCache<ArticleCore> articles;
  private final TwoLevelCache<Long> slugs;
  private final Favorites favorites;
  private final PopularTags tags;
  private final Profiles profiles;

  ArticleCache(
      Caches caches,
      Sql sql,
      CacheSettings settings,
      Profiles profiles,
      Favorites favorites,
      PopularTags popularTags) {
    this.profiles = profiles;
    this.favorites = favorites;
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
                            var c = ArticleRepository.core(r);
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
  }

  /** The id of the article with this slug, if any. */
  Future<Optional<Long>> idOf(String slug) {
    return slugs.get(slug);
  }

  /**
   * These articles, in this order, as {@code viewer} sees them (vanished ids are skipped): cores,
   * authors and flags from the caches, views built only when asked.
   */
  Future<Views.Assembled> views(Long viewer, List<Long> ids, boolean withBody) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(
          new Views.Assembled(List.of(), Map.of(), Set.of(), Set.of(), withBody));
    }
    var keys = new ArrayList<String>(ids.size());
    for (Long id : ids) {
      keys.add(Long.toString(id));
    }
    Future<Map<String, ArticleCore>> cores = articles.getAll(keys);
    Future<Set<Long>> favs =
        viewer == null ? Future.succeededFuture(Set.of()) : cores.compose(m -> flags(viewer, m));
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
              var present = new ArrayList<ArticleCore>(ids.size());
              for (String key : keys) {
                ArticleCore c = cores.result().get(key);
                if (c != null && authors.result().containsKey(c.authorId())) {
                  present.add(c);
                }
              }
              return new Views.Assembled(
                  present, authors.result(), favs.result(), follows.result(), withBody);
            });
  }

  /**
   * Which of these articles {@code viewer} favorited, asked only about those someone favorited: an
   * article whose count is 0 is nobody's favorite, so its flag is known without a lookup. Most list
   * pages are mostly such articles (the newest), and each new article would otherwise cost every
   * signed-in reader of its pages a statement. The count comes from the same core the view shows,
   * invalidated by every toggle before the toggle answers, so the flag is as fresh as the count
   * beside it, and a reader's own favorite is seen at once.
   */
  private Future<Set<Long>> flags(long viewer, Map<String, ArticleCore> cores) {
    var favoritedBySomeone = new ArrayList<Long>(cores.size());
    for (ArticleCore c : cores.values()) {
      if (c.favoritesCount() > 0) {
        favoritedBySomeone.add(c.id());
      }
    }
    return favoritedBySomeone.isEmpty()
        ? Future.succeededFuture(Set.of())
        : favorites.among(viewer, favoritedBySomeone);
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

  /** The stored fields of article {@code id}, if it exists. */
  Future<Optional<ArticleCore>> core(long id) {
    return articles.get(Long.toString(id));
  }

  /** {@code core} as {@code viewer} sees it, with the favorite flag given. */
  Future<ArticleView> view(long viewer, ArticleCore core, boolean favorited) {
    var author = profiles.byIds(List.of(core.authorId()));
    var following = profiles.following(viewer);
    return Future.all(author, following)
        .map(
            v -> {
              ProfileCore a = author.result().get(core.authorId());
              return a == null
                  ? null
                  : core.view(true, favorited, a.view(following.result().contains(a.id())));
            });
  }

  /**
   * After a favorite toggle that read {@code read} moved the article's count: the article kept here
   * becomes {@code moved} when it is still {@code read} itself, else it is dropped (other instances
   * drop theirs). Kept in place, the hot articles of the realistic mix are not loaded again after
   * every toggle (they were most of the article loads, each with its body). Only the very core the
   * toggle read is moved: it was loaded before the toggle's statement ran, so its count lacks the
   * toggle, and no other change has replaced it since; any other core may already hold the toggle
   * (a load that ran after its commit) or lack another, and is loaded again.
   */
  Future<Void> countMoved(ArticleCore read, ArticleCore moved) {
    return articles.update(Long.toString(read.id()), kept -> kept == read ? moved : null);
  }

  private static Long[] boxed(Set<String> ids) {
    return ids.stream().map(Long::valueOf).toArray(Long[]::new);
  }
}
