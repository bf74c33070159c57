package io.hotpath.user;

import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** All SQL of the user feature. */
final class UserRepository {
  static final String INSERT =
      """
      INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3)
      RETURNING id, username, email, bio, image, password_hash""";
  static final String BY_EMAIL =
      """
      SELECT id, username, email, bio, image, password_hash FROM users WHERE lower(email) = lower($1)""";
  static final String BY_ID =
      """
      SELECT id, username, email, bio, image, password_hash FROM users WHERE id = $1""";

  /** Returns the new row and the username before the update (caches keyed by it must go). */
  static final String UPDATE =
      """
      UPDATE users u SET username = coalesce($2, u.username),
                         email = coalesce($3, u.email),
                         password_hash = coalesce($4, u.password_hash),
                         bio = CASE WHEN $5 THEN $6 ELSE u.bio END,
                         image = CASE WHEN $7 THEN $8 ELSE u.image END,
                         updated_at = now()
      FROM (SELECT id, username FROM users WHERE id = $1 FOR UPDATE) old
      WHERE u.id = old.id
      RETURNING u.id, u.username, u.email, u.bio, u.image, u.password_hash, old.username AS old_username""";

  private final Sql sql;

  UserRepository(Sql sql) {
    this.sql = sql;
  }

  static Future<UserRow> insert(Sql tx, String username, String email, String passwordHash) {
    return tx.query(INSERT, Tuple.of(username, email, passwordHash))
        .map(rs -> row(rs.iterator().next()));
  }

  Future<UserRow> byEmail(String email) {
    return sql.query(BY_EMAIL, Tuple.of(email))
        .map(rs -> rs.size() == 0 ? null : row(rs.iterator().next()));
  }

  Future<UserRow> byId(long id) {
    return sql.query(BY_ID, Tuple.of(id))
        .map(rs -> rs.size() == 0 ? null : row(rs.iterator().next()));
  }

  /** The updated row and the previous username, or null when there is no such user. */
  Future<Updated> update(long id, UserChanges c) {
    var args =
        Tuple.tuple()
            .addLong(id)
            .addString(c.username())
            .addString(c.email())
            .addString(c.passwordHash())
            .addBoolean(c.bio().present())
            .addString(c.bio().value())
            .addBoolean(c.image().present())
            .addString(c.image().value());
    return sql.query(UPDATE, args)
        .map(
            rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new Updated(row(r), r.getString("old_username"));
            });
  }

  record Updated(UserRow row, String oldUsername) {}

  private static UserRow row(Row r) {
    return new UserRow(
        r.getLong("id"),
        r.getString("username"),
        r.getString("email"),
        r.getString("bio"),
        r.getString("image"),
        r.getString("password_hash"));
  }
}
