package io.hotpath.comment;

import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.hotpath.notify.Notifications;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Comments: listing (oldest first), adding (the article's author is notified in the comment's own
 * transaction), deleting (the comment's author only: 404 for no article or no comment, 403 for
 * someone else's).
 */
final class CommentService {
  private final Db db;
  private final CommentRepository repo;
  private final Notifications notifications;
  private final Function<String, Future<Optional<Long>>> articleIds;

  /** {@code articleIds}: the id of the article a slug names (the article feature's slug cache). */
  CommentService(
      Db db, Notifications notifications, Function<String, Future<Optional<Long>>> articleIds) {
    this.db = db;
    this.repo = new CommentRepository(db, db.reads());
    this.notifications = notifications;
    this.articleIds = articleIds;
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

  Future<List<CommentView>> list(Long viewer, String slug, int limit, int offset) {
    return article(slug)
        .compose(article -> repo.list(viewer, article, limit, offset))
        .compose(
            list ->
                list == null
                    ? Future.failedFuture(new ApiException.NotFound("article", slug))
                    : Future.succeededFuture(list));
  }

  Future<CommentView> add(long author, String slug, String body) {
    return article(slug).compose(article -> add(author, slug, article, body));
  }

  private Future<CommentView> add(long author, String slug, long article, String body) {
    return db.inTransaction(
            tx ->
                CommentRepository.add(tx, author, body, article)
                    .compose(
                        a ->
                            a == null
                                ? Future.succeededFuture(a)
                                : notifications
                                    .enqueue(
                                        tx,
                                        a.articleAuthorId(),
                                        "comment",
                                        author,
                                        a.articleId(),
                                        a.view().id())
                                    .map(a)))
        .compose(
            a ->
                a == null
                    ? Future.failedFuture(new ApiException.NotFound("article", slug))
                    : Future.succeededFuture(a.view()));
  }

  Future<Void> delete(long user, String slug, long id) {
    return article(slug).compose(article -> delete(user, slug, article, id));
  }

  private Future<Void> delete(long user, String slug, long article, long id) {
    return repo.deleteOwn(article, id, user)
        .compose(
            deleted ->
                deleted
                    ? Future.<Void>succeededFuture()
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
