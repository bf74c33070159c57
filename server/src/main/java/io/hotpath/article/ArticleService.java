package io.hotpath.article;

import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.error.ApiException;
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
      ArticleReads reads,
      Notifications notifications,
      Favorites favorites) {
    this.favorites = favorites;
    this.db = db;
    this.repo = repo;
    this.cache = cache;
    this.reads = reads;
    this.notifications = notifications;
  }

  /** A page of articles matching the filter and the total count, fetched in parallel. */
  Future<ArticleList> list(Long viewer, ArticleFilter filter, int limit, int offset) {
    if (limit == 0) {
      return repo.count(filter).map(n -> new ArticleList(List.of(), n));
    }
    var page = reads.page(viewer, filter, limit, offset);
    var count = repo.count(filter);
    return Future.all(page, count).map(v -> new ArticleList(page.result(), count.result()));
  }

  /** Newest articles by the authors {@code viewer} follows, and their total. */
  Future<ArticleList> feed(long viewer, int limit, int offset) {
    var page =
        limit == 0
            ? Future.succeededFuture(List.<ArticleView>of())
            : reads.feed(viewer, limit, offset);
    var count = repo.feedCount(viewer);
    return Future.all(page, count).map(v -> new ArticleList(page.result(), count.result()));
  }

  /** The article as {@code viewer} sees it; 404 when absent. */
  Future<ArticleView> get(Long viewer, String slug) {
    return reads.bySlug(viewer, slug).compose(a -> found(a, slug));
  }

  /** Creates an article (a distinct slug even for a repeated title) in one transaction. */
  Future<ArticleView> create(
      long author, String title, String description, String body, List<String> tags) {
    var tagNames = normalise(tags);
    String base = Slugs.of(title);
    return db.inTransaction(
            tx ->
                insertWithFreeSlug(tx, base, 0, title, description, body, author)
                    .compose(
                        c -> ArticleRepository.tag(tx, c.id(), c.createdAt(), tagNames).map(c)))
        .compose(
            c ->
                cache
                    .invalidateNew(c.slug(), !tagNames.isEmpty())
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
    return db.inTransaction(
            tx ->
                ArticleRepository.lock(tx, slug)
                    .compose(
                        a -> {
                          if (a == null) {
                            return Future.failedFuture(new ApiException.NotFound("article", slug));
                          }
                          if (a.authorId() != user) {
                            return Future.failedFuture(new ApiException.Forbidden("article"));
                          }
                          Future<String> newSlug =
                              title == null || title.equals(a.title())
                                  ? Future.succeededFuture(a.slug())
                                  : freeSlug(tx, Slugs.of(title), a.id(), a.slug());
                          return newSlug.compose(
                              s ->
                                  ArticleRepository.update(tx, a.id(), s, title, description, body)
                                      .compose(
                                          v ->
                                              tags.isEmpty()
                                                  ? Future.succeededFuture()
                                                  : ArticleRepository.untag(tx, a.id())
                                                      .compose(
                                                          x ->
                                                              ArticleRepository.tag(
                                                                  tx,
                                                                  a.id(),
                                                                  a.createdAt(),
                                                                  normalise(tags.get()))))
                                      .map(new Updated(a.id(), a.slug(), s)));
                        }))
        .compose(
            u ->
                cache
                    .invalidateArticle(u.id(), List.of(u.oldSlug(), u.newSlug()), tags.isPresent())
                    .compose(v -> repo.byId(user, u.id())));
  }

  /** Deletes the author's article; 404 when absent, 403 when someone else's. */
  Future<Void> delete(long user, String slug) {
    return repo.deleteOwn(slug, user)
        .compose(
            deleted ->
                deleted != null
                    ? cache.invalidateArticle(deleted, List.of(slug), true)
                    : repo.authorOf(slug)
                        .compose(
                            author ->
                                Future.failedFuture(
                                    author == null
                                        ? new ApiException.NotFound("article", slug)
                                        : new ApiException.Forbidden("article"))));
  }

  /**
   * Marks the article as a favorite of {@code user} (idempotent): one row and the count's trigger
   * in one transaction, with the author's notification; then exactly the keys it changed are
   * invalidated (the pair's flag, the article's count), and the answer is built from the article as
   * cached with the count moved, not read again.
   */
  Future<ArticleView> favorite(long user, String slug) {
    return existing(slug)
        .compose(
            core ->
                db.inTransaction(
                        tx ->
                            Favorites.add(tx, user, core.id())
                                .compose(
                                    added ->
                                        added
                                            ? notifications
                                                .enqueue(
                                                    tx,
                                                    core.authorId(),
                                                    "favorite",
                                                    user,
                                                    core.id(),
                                                    null)
                                                .map(true)
                                            : Future.succeededFuture(false)))
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
    Future<Void> changed =
        delta == 0
            ? Future.succeededFuture()
            : Future.all(favorites.changed(user, core.id()), cache.invalidateCount(core.id()))
                .mapEmpty();
    return changed.compose(v -> cache.view(user, core.withFavorites(delta), favorited));
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

  private record Updated(long id, String oldSlug, String newSlug) {}

  private Future<ArticleRepository.Created> insertWithFreeSlug(
      Sql tx,
      String base,
      int attempt,
      String title,
      String description,
      String body,
      long author) {
    String slug = attempt == 0 ? base : Slugs.withSuffix(base);
    return ArticleRepository.insert(tx, slug, title, description, body, author)
        .compose(
            c -> {
              if (c != null) {
                return Future.succeededFuture(c);
              }
              if (attempt + 1 >= SLUG_ATTEMPTS) {
                return Future.failedFuture(new ApiException.Conflict("slug"));
              }
              return insertWithFreeSlug(tx, base, attempt + 1, title, description, body, author);
            });
  }

  private Future<String> freeSlug(Sql tx, String base, long id, String current) {
    if (base.equals(current)) {
      return Future.succeededFuture(current);
    }
    return ArticleRepository.slugTaken(tx, base, id)
        .map(taken -> taken ? Slugs.withSuffix(base) : base);
  }

  private static Future<ArticleView> found(ArticleView a, String slug) {
    return a == null
        ? Future.failedFuture(new ApiException.NotFound("article", slug))
        : Future.succeededFuture(a);
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
