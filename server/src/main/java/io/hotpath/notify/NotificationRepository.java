package io.hotpath.notify;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.hotpath.kernel.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** All SQL of notifications. */
final class NotificationRepository {
  /**
   * Idempotent: the job id is unique, so a re-run job inserts nothing. Returns the new id, if any.
   */
  static final String INSERT =
      """
      INSERT INTO notifications
        (user_id, type, actor_id, article_id, comment_id, source_job_id, created_at)
      SELECT $1, $2, $3, $4, $5, $6, coalesce((SELECT created_at FROM jobs WHERE id = $6), now())
      WHERE EXISTS (SELECT 1 FROM users WHERE id = $1)
      ON CONFLICT (source_job_id) DO NOTHING RETURNING id, created_at""";

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

  static Future<Boolean> insert(
      Sql tx, long user, String type, Long actor, Long article, Long comment, long jobId) {
    return tx.query(INSERT, Tuple.of(user, type, actor, article, comment, jobId))
        .map(rs -> rs.size() > 0);
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
