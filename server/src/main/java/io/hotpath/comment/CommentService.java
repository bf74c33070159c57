package io.hotpath.comment;

import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.hotpath.notify.Notifications;
import io.vertx.core.Future;
import java.util.List;

/**
 * Comments: listing (oldest first), adding (the article's author is notified in the comment's own
 * transaction), deleting (the comment's author only: 404 for no article or no comment, 403 for
 * someone else's).
 */
final class CommentService {
  private final Db db;
  private final CommentRepository repo;
  private final Notifications notifications;

  CommentService(Db db, Notifications notifications) {
    this.db = db;
    this.repo = new CommentRepository(db, db.reads());
    this.notifications = notifications;
  }

  Future<List<CommentView>> list(Long viewer, String slug, int limit, int offset) {
    return repo.list(viewer, slug, limit, offset)
        .compose(
            list ->
                list == null
                    ? Future.failedFuture(new ApiException.NotFound("article", slug))
                    : Future.succeededFuture(list));
  }

  Future<CommentView> add(long author, String slug, String body) {
    return db.inTransaction(
            tx ->
                CommentRepository.add(tx, author, body, slug)
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
    return repo.deleteOwn(slug, id, user)
        .compose(
            deleted ->
                deleted
                    ? Future.<Void>succeededFuture()
                    : repo.explainDelete(slug, id)
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
