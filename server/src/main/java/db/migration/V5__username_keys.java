package db.migration;

import io.hotpath.user.Usernames;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usernames become unique by their normalised key ({@link Usernames#key}), computed here by the
 * same code the server registers users with. Rows that already collide (registered before this
 * rule) are not renamed: the oldest keeps its key, each later one is listed in {@code
 * username_collisions} for an operator to resolve, logged, and keyed apart by its id so the unique
 * index can be built. Every new registration or rename is checked against the key.
 */
public class V5__username_keys extends BaseJavaMigration {
  private static final Logger LOG = LoggerFactory.getLogger(V5__username_keys.class);
  private static final int BATCH = 5_000;

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    try (Statement st = c.createStatement()) {
      st.execute("ALTER TABLE users ADD COLUMN username_key text");
      st.execute(
          """
          CREATE TABLE username_collisions (
              user_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
              username     text        NOT NULL,
              username_key text        NOT NULL,
              kept_user_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
              found_at     timestamptz NOT NULL DEFAULT now()
          )""");
    }
    fillKeys(c);
    try (Statement st = c.createStatement()) {
      st.execute(
          """
          INSERT INTO username_collisions (user_id, username, username_key, kept_user_id)
          SELECT u.id, u.username, u.username_key, k.kept
          FROM users u JOIN (SELECT username_key, min(id) AS kept FROM users
                             GROUP BY username_key HAVING count(*) > 1) k USING (username_key)
          WHERE u.id <> k.kept""");
      try (var rs =
          st.executeQuery(
              "SELECT user_id, username, kept_user_id FROM username_collisions ORDER BY user_id")) {
        while (rs.next()) {
          LOG.warn(
              "username collision: user {} '{}' looks like user {}'s name; kept, listed in"
                  + " username_collisions",
              rs.getLong(1),
              rs.getString(2),
              rs.getLong(3));
        }
      }
      st.execute(
          """
          UPDATE users SET username_key = username_key || '#' || id
          WHERE id IN (SELECT user_id FROM username_collisions)""");
      st.execute("ALTER TABLE users ALTER COLUMN username_key SET NOT NULL");
      // UserRepository.INSERT/UPDATE: registration and renames are unique by key
      st.execute("CREATE UNIQUE INDEX users_username_norm_key ON users (username_key)");
    }
  }

  /** Computes every user's key in batches (a cursor, so millions of users fit in memory). */
  private static void fillKeys(Connection c) throws SQLException {
    try (var read = c.prepareStatement("SELECT id, username FROM users ORDER BY id");
        var write = c.prepareStatement("UPDATE users SET username_key = ? WHERE id = ?")) {
      read.setFetchSize(BATCH);
      try (var rs = read.executeQuery()) {
        List<Object[]> pending = new ArrayList<>(BATCH);
        while (rs.next()) {
          pending.add(new Object[] {Usernames.key(rs.getString(2)), rs.getLong(1)});
          if (pending.size() == BATCH) {
            flush(write, pending);
          }
        }
        flush(write, pending);
      }
    }
  }

  private static void flush(java.sql.PreparedStatement write, List<Object[]> rows)
      throws SQLException {
    for (Object[] r : rows) {
      write.setString(1, (String) r[0]);
      write.setLong(2, (Long) r[1]);
      write.addBatch();
    }
    if (!rows.isEmpty()) {
      write.executeBatch();
    }
    rows.clear();
  }
}
