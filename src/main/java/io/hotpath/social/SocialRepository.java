package io.hotpath.social;

import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** All SQL of profiles and follows. */
final class SocialRepository {
  /** $1 viewer id (null when anonymous), $2 username. Uses users_username_key and follows' primary key. */
  static final String PROFILE = """
      SELECT u.id, u.username, u.bio, u.image,
             ($1::bigint IS NOT NULL AND EXISTS (
                 SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = u.id)) AS following
      FROM users u WHERE u.username = $2""";
  static final String FOLLOW = "INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  static final String UNFOLLOW = "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2";

  private final Sql sql;

  SocialRepository(Sql sql) {
    this.sql = sql;
  }

  /** The profile and its id, or null when no such user. */
  Future<Profile> profile(Long viewer, String username) {
    return sql.query(PROFILE, Tuple.of(viewer, username))
        .map(rs -> rs.size() == 0 ? null : profile(rs.iterator().next()));
  }

  Future<Void> follow(long follower, long followee) {
    return sql.query(FOLLOW, Tuple.of(follower, followee)).mapEmpty();
  }

  Future<Void> unfollow(long follower, long followee) {
    return sql.query(UNFOLLOW, Tuple.of(follower, followee)).mapEmpty();
  }

  private static Profile profile(Row r) {
    return new Profile(r.getLong("id"),
        new ProfileView(r.getString("username"), r.getString("bio"), r.getString("image"), r.getBoolean("following")));
  }

  record Profile(long id, ProfileView view) {}
}
