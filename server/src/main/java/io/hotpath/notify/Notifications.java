package io.hotpath.notify;

import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.hotpath.webhook.Webhooks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;

/**
 * Notifications: new follower, favorite on my article, comment on my article. Write paths call
 * {@link #enqueue} inside their own transaction; the {@code notify} job then stores the
 * notification and fans out to the recipient's webhooks, in one transaction, idempotently.
 *
 * <p>One notification per (recipient, actor, kind, article) within NOTIFY_REPEAT_WINDOW_SECONDS:
 * favoriting and unfavoriting thirty times notifies once, and fans out to webhooks once.
 */
public final class Notifications implements JobHandler, AutoCloseable {
  public static final String KIND = "notify";

  /** Marks the (recipient, actor, kind, article) as notified now, unless it was within $6. */
  static final String MARK =
      """
      INSERT INTO notification_marks (recipient_id, actor_id, kind, article_id, sent_at)
      VALUES ($1, $2, $3, coalesce($4, 0), $5)
      ON CONFLICT (recipient_id, actor_id, kind, article_id)
      DO UPDATE SET sent_at = EXCLUDED.sent_at WHERE notification_marks.sent_at <= $6
      RETURNING 1""";

  static final String FORGET = "DELETE FROM notification_marks WHERE sent_at < $1";

  private final Db db;
  private final JobQueue jobs;
  private final Webhooks webhooks;
  private final Duration window;
  private final Clock clock;
  private final Vertx vertx;
  private final long sweeper;
  private final NotificationRoutes routes;

  public Notifications(
      Vertx vertx, Db db, JobQueue jobs, Webhooks webhooks, Duration window, Clock clock) {
    this.vertx = vertx;
    this.db = db;
    this.jobs = jobs;
    this.webhooks = webhooks;
    this.window = window;
    this.clock = clock;
    this.routes = new NotificationRoutes(new NotificationRepository(db));
    this.sweeper =
        vertx.setPeriodic(
            Math.max(60_000, window.toMillis()),
            id -> db.query(FORGET, Tuple.of(at(clock.instant().minus(window)))));
  }

  /** The notification endpoints. */
  public Consumer<Router> routes() {
    return routes;
  }

  /**
   * Queues a notification for {@code recipient} in the caller's transaction: not to oneself, and
   * not again for the same actor, kind and article within the window.
   */
  public Future<Void> enqueue(
      Sql tx, long recipient, String type, long actor, Long article, Long comment) {
    if (recipient == actor) {
      return Future.succeededFuture();
    }
    var now = clock.instant();
    return tx.query(MARK, Tuple.of(recipient, actor, type, article, at(now), at(now.minus(window))))
        .compose(
            marked -> {
              if (marked.size() == 0) {
                return Future.succeededFuture();
              }
              var payload =
                  new JsonObject()
                      .put("userId", recipient)
                      .put("type", type)
                      .put("actorId", actor)
                      .put("articleId", article)
                      .put("commentId", comment);
              return jobs.enqueue(tx, KIND, payload).mapEmpty();
            });
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

  private static OffsetDateTime at(java.time.Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  @Override
  public void close() {
    vertx.cancelTimer(sweeper);
  }
}
