package io.hotpath.webhook;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;

/** All SQL of webhooks. */
final class WebhookRepository {
  /** Serialises one user's subscribing (the cap below sees concurrent inserts). */
  static final String LOCK_USER = "SELECT id FROM users WHERE id = $1 FOR UPDATE";

  /** $5 the cap: inserts only while the user has fewer subscriptions. */
  static final String CREATE =
      """
      INSERT INTO webhooks (user_id, url, events, secret)
      SELECT $1, $2, $3::text[], $4 WHERE (SELECT count(*) FROM webhooks WHERE user_id = $1) < $5
      RETURNING id, created_at""";

  static final String LIST =
      """
      SELECT id, url, events, last_status, last_error, last_attempt_at, created_at FROM webhooks
      WHERE user_id = $1 ORDER BY id""";
  static final String DELETE = "DELETE FROM webhooks WHERE id = $1 AND user_id = $2 RETURNING id";
  static final String FOR_DELIVERY = "SELECT id, url, secret FROM webhooks WHERE id = $1";

  /** One delivery per (causing job, subscription), however often the causing job runs. */
  /**
   * The deliveries a cause job claims: one per webhook of {@code user} subscribed to {@code event},
   * none twice for the same cause. The arguments are SQL expressions of the enclosing statement.
   */
  static String claimDeliveries(String user, String event, String causeJob) {
    return """
        INSERT INTO webhook_deliveries (job_id, webhook_id)
        SELECT %s, id FROM webhooks WHERE user_id = %s AND %s = ANY(events)
        ON CONFLICT DO NOTHING RETURNING webhook_id"""
        .formatted(causeJob, user, event);
  }

  static final String RECORD =
      """
      UPDATE webhooks SET last_status = $2, last_error = $3, last_attempt_at = now() WHERE id = $1""";

  private final Sql sql;

  WebhookRepository(Sql sql) {
    this.sql = sql;
  }

  /** The new subscription, or null when the user already has {@code cap} of them. */
  static Future<JsonObject> create(
      Sql tx, long user, String url, List<String> events, String secret, int cap) {
    return tx.query(LOCK_USER, Tuple.of(user))
        .compose(
            v -> tx.query(CREATE, Tuple.of(user, url, events.toArray(String[]::new), secret, cap)))
        .map(
            rs ->
                Rows.first(
                    rs,
                    r ->
                        new JsonObject()
                            .put("id", r.getLong("id"))
                            .put("url", url)
                            .put("events", events)
                            .put("secret", secret)));
  }

  Future<List<JsonObject>> list(long user) {
    return sql.query(LIST, Tuple.of(user))
        .map(
            rs ->
                Rows.all(
                    rs,
                    r ->
                        new JsonObject()
                            .put("id", r.getLong("id"))
                            .put("url", r.getString("url"))
                            .put("events", Arrays.asList(r.getArrayOfStrings("events")))
                            .put("lastStatus", r.getInteger("last_status"))
                            .put("lastError", r.getString("last_error"))
                            .put(
                                "lastAttemptAt",
                                r.getOffsetDateTime("last_attempt_at") == null
                                    ? null
                                    : r.getOffsetDateTime("last_attempt_at").toString())));
  }

  Future<Boolean> delete(long id, long user) {
    return sql.query(DELETE, Tuple.of(id, user)).map(rs -> rs.size() > 0);
  }

  /** (url, secret) of the subscription, or null when it was deleted. */
  Future<String[]> forDelivery(long id) {
    return sql.query(FOR_DELIVERY, Tuple.of(id))
        .map(rs -> Rows.first(rs, r -> new String[] {r.getString("url"), r.getString("secret")}));
  }

  Future<Void> record(long id, Integer status, String error) {
    return sql.query(RECORD, Tuple.of(id, status, error)).mapEmpty();
  }
}
