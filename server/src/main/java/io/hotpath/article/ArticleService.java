package io.hotpath.article;

import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.error.ApiException;
import io.hotpath.http.Answer;
import io.hotpath.http.Fingerprint;
import io.hotpath.notify.Notifications;
import io.hotpath.social.Favorites;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Articles: lists, feed, single reads, writes and favorites. */
final class ArticleService {
  static final int TITLE_MAX = 300;
  static final int DESCRIPTION_MAX = 2000;
  static final int BODY_MAX = 200_000;
  static final int TAGS_MAX = 20;
  static final int TAG_MAX = 64;
  private static final int SLUG_ATTEMPTS = 5;

  private final Db db;
  private final ArticleRepository repo;
  private final ArticleCache cache;
  private final ArticleLists lists;
  private final ArticleReads reads;
  private final Notifications notifications;
  private final Favorites favorites;

  /**
   * Reads as {@code reads} answers them; writes invalidate {@code cache} (a pass-through with
   * CACHE=off, so invalidating it costs nothing then).
   */
  ArticleService(
      Db db,
      ArticleRepository repo,
      ArticleCache cache,
      ArticleLists lists,
      ArticleReads reads,
      Notifications notifications,
      Favorites favorites) {
    this.favorites = favorites;
    this.db = db;
    this.repo = repo;
    this.cache = cache;
    this.lists = lists;
    this.reads = reads;
    this.notifications = notifications;
  }

  /** A page of articles matching the filter and the total count, fetched in parallel. */
  Future<Answer> list(Long viewer, ArticleFilter filter, int limit, int offset) {
    return reads.page(viewer, filter, limit, offset).map(p -> listAnswer(p.views(), p.count()));
  }

  /** Newest articles by the authors {@code viewer} follows, and their total. */
  Future<Answer> feed(long viewer, int limit, int offset) {
    return reads.feed(viewer, limit, offset).map(p -> listAnswer(p.views(), p.count()));
  }

  private static Answer listAnswer(Views views, long count) {
    return views.answer(Fingerprint.Kind.ARTICLE_LIST, count, list -> new ArticleList(list, count));
  }

  /** The article as {@code viewer} sees it (one view); 404 when absent. */
  Future<Views> get(Long viewer, String slug) {
    return reads
        .bySlug(viewer, slug)
        .compose(
            v ->
                v.isEmpty()
                    ? Future.failedFuture(new ApiException.NotFound("article", slug))
                    : Future.succeededFuture(v));
  }

  /** Creates an article (a distinct slug even for a repeated title), one statement per attempt. */
  Future<ArticleView> create(
      long author, String title, String description, String body, List<String> tags) {
    var tagNames = normalise(tags);
    String base = Slugs.of(title);
    return publishWithFreeSlug(base, 0, title, description, body, author, tagNames)
        .compose(
            c ->
                Future.all(
                        cache.invalidateNew(c.slug(), !tagNames.isEmpty()),
                        lists.articleAddedOrRemoved(author, tagNames, false))
                    .compose(v -> repo.byId(author, c.id())));
  }

  /** Updates the author's article; a new title gives a new slug; tags are replaced when sent. */
  Future<ArticleView> update(
      long user,
      String slug,
      String title,
      String description,
      String body,
      Optional<List<String>> tags) {
    return idOf(slug)
        .compose(
            id ->
                db.inTransaction(
                    tx ->
                        ArticleRepository.lock(tx, id, slug)
                            .compose(
                                a -> {
                                  if (a == null) {
                                    return Future.failedFuture(
                                        new ApiException.NotFound("article", slug));
                                  }
                                  if (a.authorId() != user) {
                                    return Future.failedFuture(
                                        new ApiException.Forbidden("article"));
                                  }
                                  Future<String> newSlug =
                                      title == null || title.equals(a.title())
                                          ? Future.succeededFuture(a.slug())
                                          : freeSlug(tx, Slugs.of(title), a.id(), a.slug());
                                  return newSlug.compose(
                                      s ->
                                          ArticleRepository.update(
                                                  tx, a.id(), s, title, description, body)
                                              .compose(v -> retag(tx, a, tags))
                                              .map(
                                                  oldTags ->
                                                      new Updated(a.id(), a.slug(), s, oldTags)));
                                })))
        .compose(
            u ->
                Future.all(
                        cache.invalidateArticle(
                            u.id(), List.of(u.oldSlug(), u.newSlug()), tags.isPresent()),
                        tags.isPresent()
                            ? lists.retagged(u.oldTags(), normalise(tags.get()))
                            : Future.succeededFuture())
                    .compose(v -> repo.byId(user, u.id())));
  }

  /** Replaces the tags when new ones were sent; the names it had (none when unchanged). */
  private static Future<List<String>> retag(
      Sql tx, ArticleRepository.Locked a, Optional<List<String>> tags) {
    if (tags.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return ArticleRepository.untag(tx, a.id())
        .compose(
            old ->
                ArticleRepository.tag(tx, a.id(), a.createdAt(), normalise(tags.get())).map(old));
  }

  /** Deletes the author's article; 404 when absent, 403 when someone else's. */
  Future<Void> delete(long user, String slug) {
    return idOf(slug).compose(id -> delete(user, id, slug));
  }

  private Future<Void> delete(long user, long id, String slug) {
    return repo.deleteOwn(id, slug, user)
        .compose(
            deleted ->
                deleted != null
                    ? Future.all(
                            cache.invalidateArticle(deleted.id(), List.of(slug), true),
                            lists.articleAddedOrRemoved(user, deleted.tags(), true))
                        .<Void>mapEmpty()
                    : repo.authorOf(id, slug)
                        .compose(
                            author ->
                                Future.failedFuture(
                                    author == null
                                        ? new ApiException.NotFound("article", slug)
                                        : new ApiException.Forbidden("article"))));
  }

  /**
   * Marks the article as a favorite of {@code user} (idempotent): one row, the count's trigger and
   * the author's notification in one statement; then exactly the keys it changed are invalidated
   * (the pair's flag) or moved in place (the article's count), and the answer is built from the
   * article as cached with the count moved, not read again.
   */
  Future<ArticleView> favorite(long user, String slug) {
    return existing(slug)
        .compose(
            core ->
                favorites
                    .add(notifications, user, core.id(), core.authorId())
                    .compose(added -> toggled(user, core, true, added ? 1 : 0)));
  }

  /** Removes the article from {@code user}'s favorites (idempotent). */
  Future<ArticleView> unfavorite(long user, String slug) {
    return existing(slug)
        .compose(
            core ->
                favorites
                    .remove(user, core.id())
                    .compose(removed -> toggled(user, core, false, removed ? -1 : 0)));
  }

  private Future<ArticleView> toggled(long user, ArticleCore core, boolean favorited, int delta) {
    if (delta == 0) {
      return cache.view(user, core, favorited);
    }
    ArticleCore moved = core.withFavorites(delta);
    return Future.all(
            favorites.changed(user, core.id()),
            cache.countMoved(core, moved),
            lists.favoritesChanged(user))
        .compose(v -> cache.view(user, moved, favorited));
  }

  /**
   * The id of the article with this slug (from the slug cache); 404 when there is none. Writes read
   * by id, and check the slug again where it matters, so that a sharded deployment touches only the
   * article's shard.
   */
  private Future<Long> idOf(String slug) {
    return cache
        .idOf(slug)
        .compose(
            id ->
                id.map(Future::succeededFuture)
                    .orElseGet(
                        () -> Future.failedFuture(new ApiException.NotFound("article", slug))));
  }

  /** The stored fields of the article with this slug; 404 when there is none. */
  private Future<ArticleCore> existing(String slug) {
    return cache
        .idOf(slug)
        .compose(
            id ->
                id.isEmpty()
                    ? Future.succeededFuture(Optional.<ArticleCore>empty())
                    : cache.core(id.get()))
        .compose(
            core ->
                core.map(Future::succeededFuture)
                    .orElseGet(
                        () -> Future.failedFuture(new ApiException.NotFound("article", slug))));
  }

  private record Updated(long id, String oldSlug, String newSlug, List<String> oldTags) {}

  private Future<ArticleRepository.Created> publishWithFreeSlug(
      String base,
      int attempt,
      String title,
      String description,
      String body,
      long author,
      List<String> tags) {
    String slug = attempt == 0 ? base : Slugs.withSuffix(base);
    return ArticleRepository.publish(db, slug, title, description, body, author, tags)
        .compose(
            c -> {
              if (c != null) {
                return Future.succeededFuture(c);
              }
              if (attempt + 1 >= SLUG_ATTEMPTS) {
                return Future.failedFuture(new ApiException.Conflict("slug"));
              }
              return publishWithFreeSlug(base, attempt + 1, title, description, body, author, tags);
            });
  }

  private Future<String> freeSlug(Sql tx, String base, long id, String current) {
    if (base.equals(current)) {
      return Future.succeededFuture(current);
    }
    return ArticleRepository.slugTaken(tx, base, id)
        .map(taken -> taken ? Slugs.withSuffix(base) : base);
  }

  /**
   * Trimmed, non-blank, distinct tag names in name order (the order they are shown and locked in).
   */
  static List<String> normalise(List<String> tags) {
    var set = new TreeSet<String>();
    for (String t : tags) {
      String s = t.trim();
      if (!s.isEmpty()) {
        set.add(s);
      }
    }
    return List.copyOf(set);
  }
}
