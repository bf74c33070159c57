package io.hotpath.user;

import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** All SQL of the user feature. */
final class UserRepository {
  static final String INSERT = """
      INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3)
      RETURNING id, username, email, bio, image, password_hash""";
  static final String BY_EMAIL = """
      SELECT id, username, email, bio, image, password_hash FROM users WHERE lower(email) = lower($1)""";
  static final String BY_ID = """
      SELECT id, username, email, bio, image, password_hash FROM users WHERE id = $1""";
  static final String UPDATE = """
      UPDATE users SET username = coalesce($2, username),
                       email = coalesce($3, email),
                       password_hash = coalesce($4, password_hash),
                       bio = CASE WHEN $5 THEN $6 ELSE bio END,
                       image = CASE WHEN $7 THEN $8 ELSE image END,
                       updated_at = now()
      WHERE id = $1
      RETURNING id, username, email, bio, image, password_hash""";

  private final Sql sql;

  UserRepository(Sql sql) {
    this.sql = sql;
  }

  Future<UserRow> insert(String username, String email, String passwordHash) {
    return sql.query(INSERT, Tuple.of(username, email, passwordHash)).map(rs -> row(rs.iterator().next()));
  }

  Future<UserRow> byEmail(String email) {
    return sql.query(BY_EMAIL, Tuple.of(email)).map(rs -> rs.size() == 0 ? null : row(rs.iterator().next()));
  }

  Future<UserRow> byId(long id) {
    return sql.query(BY_ID, Tuple.of(id)).map(rs -> rs.size() == 0 ? null : row(rs.iterator().next()));
  }

  Future<UserRow> update(long id, UserChanges c) {
    var args = Tuple.tuple()
        .addLong(id)
        .addString(c.username())
        .addString(c.email())
        .addString(c.passwordHash())
        .addBoolean(c.bio().present())
        .addString(c.bio().value())
        .addBoolean(c.image().present())
        .addString(c.image().value());
    return sql.query(UPDATE, args).map(rs -> rs.size() == 0 ? null : row(rs.iterator().next()));
  }

  private static UserRow row(Row r) {
    return new UserRow(r.getLong("id"), r.getString("username"), r.getString("email"),
        r.getString("bio"), r.getString("image"), r.getString("password_hash"));
  }
}
