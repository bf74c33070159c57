package io.hotpath.notify;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.hotpath.kernel.Timestamps;
import io.hotpath.webhook.Webhooks;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** All SQL of notifications. */
final class NotificationRepository {
  /**
   * Idempotent: the job id is unique, so a re-run job inserts nothing. Returns the new id, if any.
   */
  /**
   * The notify job's one statement: the notification (once per job: a re-run stores nothing twice;
   * none for a recipient who is gone) and the recipient's webhook deliveries with their jobs,
   * atomic without a transaction. $1 recipient, $2 type, $3 actor, $4 article, $5 comment (both may
   * be null), $6 the job; the delivery jobs' parameters from $7 ({@code JobQueue.insertArgs}). As a
   * transaction (BEGIN, notification, deliveries, COMMIT) it held its connection for four round
   * trips, each waiting behind the requests' statements: on the realistic mix the queue fell behind
   * the writes that fill it.
   */
  static final String STORE =
      """
      WITH stored AS (
          INSERT INTO notifications
            (user_id, type, actor_id, article_id, comment_id, source_job_id, created_at)
          SELECT $1::bigint, $2::text, $3::bigint, $4::bigint, $5::bigint, $6::bigint,
                 coalesce((SELECT created_at FROM jobs WHERE id = $6::bigint), now())
          WHERE EXISTS (SELECT 1 FROM users WHERE id = $1::bigint)
          ON CONFLICT (source_job_id) DO NOTHING RETURNING id),
      %s
      SELECT (SELECT count(*) FROM stored) AS stored"""
          .formatted(
              Webhooks.fanOutItems(
                  "$1::bigint",
                  "$2::text",
                  "$6::bigint",
                  """
                  jsonb_build_object('event', $2::text, 'userId', $1::bigint, 'actorId', $3::bigint,
                                     'articleId', $4::bigint, 'commentId', $5::bigint, 'jobId', $6::bigint)""",
                  7));

  /**
   * $1 user, $2 limit, $3 offset; newest event first (the job's id: jobs run concurrently, so
   * insertion order is not event order) through notifications_user_event_idx.
   */
  static final String PAGE =
      """
      SELECT n.id, n.type, n.read_at, n.created_at, u.username, u.bio, u.image, a.slug, a.title, n.comment_id
      FROM notifications n
      LEFT JOIN users u ON u.id = n.actor_id
      LEFT JOIN articles a ON a.id = n.article_id
      WHERE n.user_id = $1 ORDER BY n.source_job_id DESC LIMIT $2::int OFFSET $3::int""";

  static final String UNREAD =
      "SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL";
  static final String READ_ALL =
      "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL";
  static final String READ_SOME =
      """
      UPDATE notifications SET read_at = now() WHERE user_id = $1 AND id = ANY($2::bigint[]) AND read_at IS NULL""";

  private final Sql sql;

  NotificationRepository(Sql sql) {
    this.sql = sql;
  }

  /** Runs {@link #STORE}; {@code args} ends with the delivery jobs' parameters. */
  static Future<Void> store(Sql sql, Tuple args) {
    return sql.query(STORE, args).mapEmpty();
  }

  Future<List<JsonObject>> page(long user, int limit, int offset) {
    return sql.query(PAGE, Tuple.of(user, limit, offset))
        .map(
            rs ->
                Rows.all(
                    rs,
                    r -> {
                      var n =
                          new JsonObject()
                              .put("id", r.getLong("id"))
                              .put("type", r.getString("type"))
                              .put("read", r.getOffsetDateTime("read_at") != null)
                              .put(
                                  "createdAt",
                                  Timestamps.format(r.getOffsetDateTime("created_at")));
                      if (r.getString("username") != null) {
                        n.put(
                            "actor",
                            new JsonObject()
                                .put("username", r.getString("username"))
                                .put("bio", r.getString("bio"))
                                .put("image", r.getString("image")));
                      }
                      if (r.getString("slug") != null) {
                        n.put(
                            "article",
                            new JsonObject()
                                .put("slug", r.getString("slug"))
                                .put("title", r.getString("title")));
                      }
                      if (r.getLong("comment_id") != null) {
                        n.put("commentId", r.getLong("comment_id"));
                      }
                      return n;
                    }));
  }

  Future<Long> unread(long user) {
    return sql.query(UNREAD, Tuple.of(user)).map(rs -> rs.iterator().next().getLong("n"));
  }

  Future<Void> markRead(long user, List<Long> ids) {
    if (ids != null && ids.isEmpty()) {
      return Future.succeededFuture();
    }
    // the array is cast to Object so Tuple.of does not spread it into separate parameters
    return (ids == null
            ? sql.query(READ_ALL, Tuple.of(user))
            : sql.query(READ_SOME, Tuple.of(user, (Object) ids.toArray(Long[]::new))))
        .mapEmpty();
  }
}
