package io.hotpath.user;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** All SQL of the user feature. */
final class UserRepository {
  private static final String COLUMNS =
      "id, username, email, bio, image, password_hash, token_version";

  /** $1 username, $2 its key (unique: users_username_norm_key), $3 e-mail, $4 hash. */
  static final String INSERT =
      "INSERT INTO users (username, username_key, email, password_hash) VALUES ($1, $2, $3, $4)"
          + " RETURNING "
          + COLUMNS;

  static final String BY_EMAIL = "SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower($1)";
  static final String BY_ID = "SELECT " + COLUMNS + " FROM users WHERE id = $1";

  /**
   * A partial update; a new password ($4) also bumps the token version, which revokes every token
   * issued before it but those of the session ($10) that made the change. Returns the new row and
   * the username before the update (caches keyed by it must go).
   */
  static final String UPDATE =
      """
      UPDATE users u SET username = coalesce($2, u.username),
                         username_key = coalesce($9, u.username_key),
                         email = coalesce($3, u.email),
                         password_hash = coalesce($4, u.password_hash),
                         token_version = u.token_version + CASE WHEN $4 IS NULL THEN 0 ELSE 1 END,
                         password_session = CASE WHEN $4 IS NULL THEN u.password_session
                                                 ELSE $10 END,
                         bio = CASE WHEN $5 THEN $6 ELSE u.bio END,
                         image = CASE WHEN $7 THEN $8 ELSE u.image END,
                         updated_at = now()
      FROM (SELECT id, username FROM users WHERE id = $1 FOR UPDATE) old
      WHERE u.id = old.id
      RETURNING u.id, u.username, u.email, u.bio, u.image, u.password_hash, u.token_version,
                old.username AS old_username""";

  private final Sql sql;

  UserRepository(Sql sql) {
    this.sql = sql;
  }

  static Future<UserRow> insert(Sql tx, String username, String email, String passwordHash) {
    return tx.query(INSERT, Tuple.of(username, Usernames.key(username), email, passwordHash))
        .map(rs -> row(rs.iterator().next()));
  }

  Future<UserRow> byEmail(String email) {
    return sql.query(BY_EMAIL, Tuple.of(email)).map(rs -> Rows.first(rs, UserRepository::row));
  }

  Future<UserRow> byId(long id) {
    return sql.query(BY_ID, Tuple.of(id)).map(rs -> Rows.first(rs, UserRepository::row));
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
            .addString(c.image().value())
            .addString(c.username() == null ? null : Usernames.key(c.username()))
            .addString(c.session());
    return sql.query(UPDATE, args)
        .map(rs -> Rows.first(rs, r -> new Updated(row(r), r.getString("old_username"))));
  }

  record Updated(UserRow row, String oldUsername) {}

  private static UserRow row(Row r) {
    return new UserRow(
        r.getLong("id"),
        r.getString("username"),
        r.getString("email"),
        r.getString("bio"),
        r.getString("image"),
        r.getString("password_hash"),
        r.getInteger("token_version"));
  }
}
