package io.hotpath.notify;

import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.hotpath.webhook.Webhooks;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Notifications: new follower, favorite on my article, comment on my article. Write paths call
 * {@link #enqueue} inside their own transaction; the {@code notify} job then stores the
 * notification and fans out to the recipient's webhooks, in one transaction, idempotently.
 */
public final class Notifications implements JobHandler {
  public static final String KIND = "notify";

  private final Db db;
  private final JobQueue jobs;
  private final Webhooks webhooks;

  public Notifications(Db db, JobQueue jobs, Webhooks webhooks) {
    this.db = db;
    this.jobs = jobs;
    this.webhooks = webhooks;
  }

  /** Queues a notification for {@code recipient} in the caller's transaction (not to oneself). */
  public Future<Void> enqueue(
      Sql tx, long recipient, String type, long actor, Long article, Long comment) {
    if (recipient == actor) {
      return Future.succeededFuture();
    }
    var payload =
        new JsonObject()
            .put("userId", recipient)
            .put("type", type)
            .put("actorId", actor)
            .put("articleId", article)
            .put("commentId", comment);
    return jobs.enqueue(tx, KIND, payload, io.hotpath.http.RequestId.current()).mapEmpty();
  }

  @Override
  public Future<Void> handle(Job job) {
    var p = job.payload();
    long user = p.getLong("userId");
    String type = p.getString("type");
    return db.inTransaction(
        tx ->
            NotificationRepository.insert(
                    tx,
                    user,
                    type,
                    p.getLong("actorId"),
                    p.getLong("articleId"),
                    p.getLong("commentId"),
                    job.id())
                .compose(
                    inserted ->
                        webhooks.fanOut(
                            tx,
                            user,
                            type,
                            job.id(),
                            new JsonObject()
                                .put("event", type)
                                .put("userId", user)
                                .put("actorId", p.getLong("actorId"))
                                .put("articleId", p.getLong("articleId"))
                                .put("commentId", p.getLong("commentId"))
                                .put("jobId", job.id()))));
  }
}
