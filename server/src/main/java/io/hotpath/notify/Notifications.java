package io.hotpath.notify;

import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;

/**
 * Notifications: new follower, favorite on my article, comment on my article. Write paths run their
 * write through {@link #write}, which queues the notification in the same statement; the {@code
 * notify} job then stores the notification and fans out to the recipient's webhooks, in one
 * statement, idempotently.
 *
 * <p>One notification per (recipient, actor, kind, article) within NOTIFY_REPEAT_WINDOW_SECONDS:
 * favoriting and unfavoriting thirty times notifies once, and fans out to webhooks once.
 */
public final class Notifications implements JobHandler, AutoCloseable {
  public static final String KIND = "notify";

  static final String FORGET = "DELETE FROM notification_marks WHERE sent_at < $1";

  private final Db db;
  private final JobQueue jobs;
  private final Duration window;
  private final Clock clock;
  private final Vertx vertx;
  private final long sweeper;
  private final NotificationRoutes routes;

  public Notifications(Vertx vertx, Db db, JobQueue jobs, Duration window, Clock clock) {
    this.vertx = vertx;
    this.db = db;
    this.jobs = jobs;
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
   * A write that notifies, as the text of one statement: the write's own WITH items, then the mark
   * (one notification per recipient, actor, kind and article within the window: a repeat inside it
   * updates nothing and queues nothing) and the {@code notify} job, then the write's answer. One
   * statement is atomic like the transaction it replaces (the job exists exactly when the write
   * commits) and holds a connection for one round trip instead of five (BEGIN, write, mark, job,
   * COMMIT, each waiting for the answer to the one before; on the realistic mix that wait, not
   * PostgreSQL's work, was the writes' latency and most of the pool's time).
   *
   * @param items the write's WITH items, parameters $1 to ${@code writeArgs}; data-modifying ones
   *     allowed
   * @param note a SELECT over {@code items} with at most one row: {@code recipient_id}, {@code
   *     article_id} and {@code comment_id} (both may be null); no row, no notification
   * @param answer the statement's result, a SELECT over {@code items}
   */
  public static Notifying notifying(String items, String note, String answer, int writeArgs) {
    int actor = writeArgs + 1;
    int kind = writeArgs + 2;
    int now = writeArgs + 3;
    int since = writeArgs + 4;
    String job =
        JobQueue.insertFrom(
            """
            SELECT '%s' AS kind,
                   jsonb_build_object('userId', n.recipient_id, 'type', $%d::text, 'actorId', $%d::bigint,
                                      'articleId', n.article_id, 'commentId', n.comment_id) AS payload
            FROM notify_note n WHERE EXISTS (SELECT 1 FROM notify_mark)"""
                .formatted(KIND, kind, actor),
            writeArgs + 5);
    String sql =
        """
        WITH %s,
        notify_note AS (%s),
        notify_mark AS (
            INSERT INTO notification_marks (recipient_id, actor_id, kind, article_id, sent_at)
            SELECT n.recipient_id, $%d::bigint, $%d::text, coalesce(n.article_id, 0), $%d::timestamptz
            FROM notify_note n WHERE n.recipient_id <> $%d::bigint
            ON CONFLICT (recipient_id, actor_id, kind, article_id)
            DO UPDATE SET sent_at = EXCLUDED.sent_at WHERE notification_marks.sent_at <= $%d::timestamptz
            RETURNING 1),
        notify_job AS (%s)
        %s"""
            .formatted(items, note, actor, kind, now, actor, since, job, answer);
    return new Notifying(sql, writeArgs);
  }

  /** The text of a write that notifies, and how many parameters the write itself takes. */
  public record Notifying(String sql, int writeArgs) {}

  /**
   * Runs {@code write} with its own {@code args} (a fresh tuple: the notification's and the job's
   * parameters are added to it): a notification of {@code type} by {@code actor} is queued in the
   * same statement, not to oneself and not again within the window. The rows are the write's
   * answer.
   */
  public Future<RowSet<Row>> write(Sql sql, Notifying write, Tuple args, String type, long actor) {
    if (args.size() != write.writeArgs()) {
      throw new IllegalArgumentException(
          "the write takes " + write.writeArgs() + " arguments, got " + args.size());
    }
    var now = clock.instant();
    args.addLong(actor).addString(type).addOffsetDateTime(at(now));
    args.addOffsetDateTime(at(now.minus(window)));
    return sql.query(write.sql(), jobs.insertArgs(args));
  }

  @Override
  public Future<Void> handle(Job job) {
    var p = job.payload();
    return NotificationRepository.store(
        db,
        jobs.insertArgs(
            Tuple.of(
                p.getLong("userId"),
                p.getString("type"),
                p.getLong("actorId"),
                p.getLong("articleId"),
                p.getLong("commentId"),
                job.id())));
  }

  private static OffsetDateTime at(java.time.Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  @Override
  public void close() {
    vertx.cancelTimer(sweeper);
  }
}
