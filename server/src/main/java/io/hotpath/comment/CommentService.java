package io.hotpath.comment;

import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.hotpath.http.Answer;
import io.hotpath.http.Fingerprint;
import io.hotpath.notify.Notifications;
import io.hotpath.social.ProfileCore;
import io.hotpath.social.Profiles;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Comments: listing (oldest first), adding (the article's author is notified in the comment's own
 * transaction), deleting (the comment's author only: 404 for no article or no comment, 403 for
 * someone else's). With caches, a list within an article's first {@link CommentCache#KEPT} comments
 * is assembled from the comment cache and the profile cache and versioned (its ETag and its kept
 * encoded bytes need no SQL and no JSON when warm); without them, or beyond, one statement.
 */
final class CommentService {
  private final Db db;
  private final CommentRepository repo;
  private final Notifications notifications;
  private final Function<String, Future<Optional<Long>>> articleIds;
  private final Profiles profiles;
  private final CommentCache cache;
  private final boolean cachedReads;

  /** {@code articleIds}: the id of the article a slug names (the article feature's slug cache). */
  CommentService(
      Db db,
      Notifications notifications,
      Function<String, Future<Optional<Long>>> articleIds,
      io.hotpath.cache.Caches caches,
      io.hotpath.cache.CacheSettings settings,
      Profiles profiles,
      boolean cachedReads) {
    this.db = db;
    this.repo = new CommentRepository(db, db.reads());
    this.notifications = notifications;
    this.articleIds = articleIds;
    this.profiles = profiles;
    this.cache = new CommentCache(caches, repo, settings);
    this.cachedReads = cachedReads;
  }

  /** The id of the article with this slug; 404 when there is none. */
  private Future<Long> article(String slug) {
    return articleIds
        .apply(slug)
        .compose(
            id ->
                id.map(Future::succeededFuture)
                    .orElseGet(
                        () -> Future.failedFuture(new ApiException.NotFound("article", slug))));
  }

  /** {@code {"comments": [...]}}, page {@code (limit, offset)}, as {@code viewer} sees it. */
  Future<Answer> list(Long viewer, String slug, int limit, int offset) {
    if (!cachedReads) {
      return article(slug).compose(article -> listBySql(viewer, slug, article, limit, offset));
    }
    return article(slug)
        .compose(
            article ->
                cache
                    .page(article)
                    .compose(
                        page -> {
                          if (page.isEmpty()) {
                            return Future.failedFuture(new ApiException.NotFound("article", slug));
                          }
                          if (!page.get().covers(limit, offset)) {
                            return listBySql(viewer, slug, article, limit, offset);
                          }
                          return assemble(viewer, article, page.get().slice(limit, offset));
                        }));
  }

  private Future<Answer> listBySql(Long viewer, String slug, long article, int limit, int offset) {
    return repo.list(viewer, article, limit, offset)
        .compose(
            list ->
                list == null
                    ? Future.failedFuture(new ApiException.NotFound("article", slug))
                    : Future.succeededFuture(Answer.of(Map.of("comments", list))));
  }

  /**
   * The comments with their authors from the profile cache; the fingerprint covers the article,
   * each comment's id (which fixes its body and times: comments are never edited), its author's id
   * and row version, and the viewer's following flag.
   */
  private Future<Answer> assemble(Long viewer, long article, List<CommentCore> comments) {
    Set<Long> authorIds = new HashSet<>();
    comments.forEach(c -> authorIds.add(c.authorId()));
    var authors = profiles.byIds(authorIds);
    Future<Set<Long>> following =
        viewer == null ? Future.succeededFuture(Set.of()) : profiles.following(viewer);
    return Future.all(authors, following)
        .map(
            v -> {
              Map<Long, ProfileCore> byId = authors.result();
              Set<Long> follows = following.result();
              var present = new ArrayList<CommentCore>(comments.size());
              for (CommentCore c : comments) {
                if (byId.containsKey(c.authorId())) {
                  present.add(c);
                }
              }
              var fp = Fingerprint.of(Fingerprint.Kind.COMMENTS).add(article).add(present.size());
              for (CommentCore c : present) {
                ProfileCore a = byId.get(c.authorId());
                fp.add(c.id()).add(a.id()).add(a.version()).add(follows.contains(a.id()));
              }
              return Answer.versioned(
                  fp,
                  () -> {
                    var views = new ArrayList<CommentView>(present.size());
                    for (CommentCore c : present) {
                      ProfileCore a = byId.get(c.authorId());
                      views.add(
                          new CommentView(
                              c.id(),
                              c.createdAt(),
                              c.updatedAt(),
                              c.body(),
                              a.view(follows.contains(a.id()))));
                    }
                    return Map.of("comments", views);
                  });
            });
  }

  Future<CommentView> add(long author, String slug, String body) {
    return article(slug).compose(article -> add(author, slug, article, body));
  }

  private Future<CommentView> add(long author, String slug, long article, String body) {
    return CommentRepository.add(notifications, db, author, body, article)
        .compose(
            a ->
                a == null
                    ? Future.failedFuture(new ApiException.NotFound("article", slug))
                    : cache.added(article, a.core(author)).map(v -> a.view()));
  }

  Future<Void> delete(long user, String slug, long id) {
    return article(slug).compose(article -> delete(user, slug, article, id));
  }

  private Future<Void> delete(long user, String slug, long article, long id) {
    return repo.deleteOwn(article, id, user)
        .compose(
            deleted ->
                deleted
                    ? cache.invalidate(article)
                    : repo.explainDelete(article, id)
                        .compose(
                            why ->
                                Future.<Void>failedFuture(
                                    switch (why) {
                                      case NO_ARTICLE -> new ApiException.NotFound("article", slug);
                                      case NO_COMMENT -> new ApiException.NotFound("comment", id);
                                      case NOT_AUTHOR -> new ApiException.Forbidden("comment");
                                    })));
  }
}
