package io.hotpath.security;

import io.hotpath.Hotpath;
import io.vertx.sqlclient.Tuple;
import java.util.function.BooleanSupplier;

/** What the security tests look at from outside the HTTP API: PostgreSQL's own views, waits. */
final class Probe {
  private Probe() {}

  /** A single bigint/count value from a query on the app's database. */
  static long scalar(Hotpath app, String sql, Object... args) {
    var rs = app.db().pool().preparedQuery(sql).execute(Tuple.from(args)).await();
    return rs.iterator().next().getLong(0);
  }

  /** Sessions stuck inside a transaction with nothing running: what an abandoned cursor leaves. */
  static long idleInTransaction(Hotpath app) {
    return scalar(
        app,
        "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()");
  }

  /** Sessions opened for export cursors (application_name hotpath-export). */
  static long exportSessions(Hotpath app) {
    return scalar(
        app, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'hotpath-export'");
  }

  /** Every client session on the server. */
  static long clientSessions(Hotpath app) {
    return scalar(
        app, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
  }

  /** Fills the database with ~{@code megabytes} MB of articles by {@code username}, in one go. */
  static void articles(Hotpath app, String username, int megabytes, String bodyText) {
    app.db()
        .pool()
        .preparedQuery(
            """
            INSERT INTO articles (slug, title, description, body, author_id)
            SELECT 'bulk-' || $1 || '-' || g, 'Bulk ' || g, 'd', $3 || repeat('x', 5000),
                   (SELECT id FROM users WHERE username = $1)
            FROM generate_series(1, $2::int) g""")
        .execute(Tuple.of(username, megabytes * 200, bodyText))
        .await();
  }

  /** Waits for {@code condition} up to {@code millis}; false if it never held. */
  static boolean within(long millis, BooleanSupplier condition) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(25); // polling interval, not a proof
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
