package io.hotpath.dashboard;

import io.hotpath.db.Sql;
import io.hotpath.error.ApiException;
import io.hotpath.kernel.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Function;

/** All SQL of the dashboard: five independent statements, run in parallel by the routes. */
final class DashboardRepository {
  static final String PROFILE = "SELECT username, email, bio, image FROM users WHERE id = $1";
  static final String LATEST =
      """
      SELECT slug, title, created_at, favorites_count FROM articles WHERE author_id = $1
      ORDER BY created_at DESC, id DESC LIMIT 5""";
  static final String FEED =
      """
      SELECT a.slug, a.title, a.created_at, u.username FROM (
          SELECT fa.id, fa.created_at FROM follows fo
          CROSS JOIN LATERAL (SELECT a2.id, a2.created_at FROM articles a2 WHERE a2.author_id = fo.followee_id
                              ORDER BY a2.created_at DESC, a2.id DESC LIMIT 10) fa
          WHERE fo.follower_id = $1 ORDER BY fa.created_at DESC, fa.id DESC LIMIT 10) p
      JOIN articles a ON a.id = p.id JOIN users u ON u.id = a.author_id
      ORDER BY a.created_at DESC, a.id DESC""";
  static final String NOTIFICATIONS =
      """
      SELECT (SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL) AS unread,
             ARRAY(SELECT type FROM notifications WHERE user_id = $1 AND read_at IS NULL ORDER BY source_job_id DESC LIMIT 5) AS latest""";
  static final String COUNTS =
      """
      SELECT (SELECT count(*) FROM follows WHERE followee_id = $1) AS followers,
             (SELECT count(*) FROM follows WHERE follower_id = $1) AS following""";

  private final Sql sql;

  DashboardRepository(Sql sql) {
    this.sql = sql;
  }

  Future<JsonObject> profile(long me) {
    return sql.query(PROFILE, Tuple.of(me))
        .map(
            rs -> {
              if (rs.size() == 0) {
                throw ApiException.Unauthorized.invalidToken();
              }
              Row r = rs.iterator().next();
              return new JsonObject()
                  .put("username", r.getString("username"))
                  .put("email", r.getString("email"))
                  .put("bio", r.getString("bio"))
                  .put("image", r.getString("image"));
            });
  }

  Future<JsonArray> latest(long me) {
    return list(
        LATEST,
        me,
        r ->
            new JsonObject()
                .put("slug", r.getString("slug"))
                .put("title", r.getString("title"))
                .put("createdAt", Timestamps.format(r.getOffsetDateTime("created_at")))
                .put("favoritesCount", r.getInteger("favorites_count")));
  }

  Future<JsonArray> feed(long me) {
    return list(
        FEED,
        me,
        r ->
            new JsonObject()
                .put("slug", r.getString("slug"))
                .put("title", r.getString("title"))
                .put("author", r.getString("username"))
                .put("createdAt", Timestamps.format(r.getOffsetDateTime("created_at"))));
  }

  Future<JsonObject> notifications(long me) {
    return sql.query(NOTIFICATIONS, Tuple.of(me))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              return new JsonObject()
                  .put("unreadCount", r.getLong("unread"))
                  .put("latestTypes", new JsonArray(List.of(r.getArrayOfStrings("latest"))));
            });
  }

  Future<JsonObject> counts(long me) {
    return sql.query(COUNTS, Tuple.of(me))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              return new JsonObject()
                  .put("followers", r.getLong("followers"))
                  .put("following", r.getLong("following"));
            });
  }

  private Future<JsonArray> list(String query, long me, Function<Row, JsonObject> map) {
    return sql.query(query, Tuple.of(me))
        .map(
            rs -> {
              var out = new JsonArray();
              for (Row r : rs) {
                out.add(map.apply(r));
              }
              return out;
            });
  }
}
