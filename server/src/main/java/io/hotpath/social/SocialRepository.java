package io.hotpath.social;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.hotpath.notify.Notifications;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** All SQL of profiles, follows and favorites. */
final class SocialRepository {
  /**
   * $1 viewer id (null when anonymous), $2 username. Uses users_username_key and follows' primary
   * key.
   */
  static final String PROFILE =
      """
      SELECT u.id, u.username, u.bio, u.image,
             ($1::bigint IS NOT NULL AND EXISTS (
                 SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = u.id)) AS following
      FROM users u WHERE u.username = $2""";

  /** $1 follower, $2 followee: one row when it is new; the followee is notified. */
  static final Notifications.Notifying FOLLOW =
      Notifications.notifying(
          """
          added AS (INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)
                    ON CONFLICT DO NOTHING RETURNING followee_id)""",
          """
          SELECT followee_id AS recipient_id, NULL::bigint AS article_id, NULL::bigint AS comment_id
          FROM added""",
          "SELECT followee_id FROM added",
          2);

  static final String UNFOLLOW = "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2";

  static final String PROFILES_BY_IDS =
      "SELECT id, username, bio, image, version FROM users WHERE id = ANY($1::bigint[])";
  static final String IDS_BY_USERNAMES =
      "SELECT id, username FROM users WHERE username = ANY($1::text[])";

  /** Each user's followees, at most 50,000 (a cap, not a page: beyond it flags may read false). */
  static final String FOLLOWEES_OF =
      """
      SELECT u AS follower_id,
             ARRAY(SELECT followee_id FROM follows WHERE follower_id = u ORDER BY followee_id LIMIT 50000) AS ids
      FROM unnest($1::bigint[]) AS u""";

  /** $1 user, $2 article: adds the favorite; one row when it is new. */
  static final Notifications.Notifying FAVORITE_ADD =
      Notifications.notifying(
          """
          added AS (INSERT INTO favorites (user_id, article_id) VALUES ($1, $2)
                    ON CONFLICT DO NOTHING RETURNING article_id)""",
          "SELECT $3::bigint AS recipient_id, article_id, NULL::bigint AS comment_id FROM added",
          "SELECT article_id FROM added",
          3);

  /** $1 user, $2 article: removes it; one row when there was one. */
  static final String FAVORITE_REMOVE =
      "DELETE FROM favorites WHERE user_id = $1 AND article_id = $2 RETURNING article_id";

  /**
   * $1 users, $2 articles (pairwise): the pairs that are favorites. Primary-key lookups; the
   * redundant {@code = ANY} conditions let a sharded deployment read only these articles'
   * partitions, and ask each for these users' rows alone (the pairs cannot be sent to a shard).
   */
  static final String FAVORITES_AMONG =
      """
      SELECT f.user_id, f.article_id FROM unnest($1::bigint[], $2::bigint[]) AS p(u, a)
      JOIN favorites f ON f.user_id = p.u AND f.article_id = p.a
      WHERE f.article_id = ANY($2::bigint[]) AND f.user_id = ANY($1::bigint[])""";

  private final Sql sql;

  SocialRepository(Sql sql) {
    this.sql = sql;
  }

  /** The profile and its id, or null when no such user. */
  Future<Profile> profile(Long viewer, String username) {
    return sql.query(PROFILE, Tuple.of(viewer, username))
        .map(rs -> Rows.first(rs, SocialRepository::profile));
  }

  /** Follows in {@code tx}; true when the follow is new. */
  /** One statement: the follow, and the followee's notification when it is new. */
  Future<Boolean> follow(Notifications notifications, long follower, long followee) {
    return notifications
        .write(sql, FOLLOW, Tuple.of(follower, followee), "follow", follower)
        .map(rs -> rs.size() > 0);
  }

  Future<Void> unfollow(long follower, long followee) {
    return sql.query(UNFOLLOW, Tuple.of(follower, followee)).mapEmpty();
  }

  Future<java.util.Map<Long, ProfileCore>> profilesByIds(long[] ids) {
    return sql.query(PROFILES_BY_IDS, Tuple.of(box(ids)))
        .map(
            rs -> {
              var out = new java.util.HashMap<Long, ProfileCore>();
              for (Row r : rs) {
                out.put(
                    r.getLong("id"),
                    new ProfileCore(
                        r.getLong("id"),
                        r.getString("username"),
                        r.getString("bio"),
                        r.getString("image"),
                        r.getLong("version")));
              }
              return out;
            });
  }

  Future<java.util.Map<String, Long>> idsByUsernames(java.util.Set<String> names) {
    return sql.query(IDS_BY_USERNAMES, Tuple.of((Object) names.toArray(String[]::new)))
        .map(
            rs -> {
              var out = new java.util.HashMap<String, Long>();
              for (Row r : rs) {
                out.put(r.getString("username"), r.getLong("id"));
              }
              return out;
            });
  }

  Future<java.util.Map<Long, long[]>> followeesOf(long[] ids) {
    return sql.query(FOLLOWEES_OF, Tuple.of(box(ids)))
        .map(
            rs -> {
              var out = new java.util.HashMap<Long, long[]>();
              for (Row r : rs) {
                Long[] f = r.getArrayOfLongs("ids");
                out.put(
                    r.getLong("follower_id"),
                    java.util.Arrays.stream(f).mapToLong(Long::longValue).toArray());
              }
              return out;
            });
  }

  static Long[] box(long[] ids) {
    return java.util.Arrays.stream(ids).boxed().toArray(Long[]::new);
  }

  private static Profile profile(Row r) {
    return new Profile(
        r.getLong("id"),
        new ProfileView(
            r.getString("username"),
            r.getString("bio"),
            r.getString("image"),
            r.getBoolean("following")));
  }

  record Profile(long id, ProfileView view) {}
}
