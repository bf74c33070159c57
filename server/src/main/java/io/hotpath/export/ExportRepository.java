package io.hotpath.export;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/** All SQL of exports. */
final class ExportRepository {
  /** The export's rows, read through a cursor in id order; $1 author's username (null: all). */
  static final String ROWS =
      """
      SELECT a.id, a.slug, a.title, a.description, a.body, a.created_at, a.updated_at, a.favorites_count, u.username,
             ARRAY(SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id ORDER BY t.name) AS tags
      FROM articles a JOIN users u ON u.id = a.author_id
      WHERE ($1::text IS NULL OR a.author_id = (SELECT id FROM users WHERE username = $1))
      ORDER BY a.id""";

  static final String RECORD =
      """
      INSERT INTO exports (job_id, user_id, format, path, rows) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (job_id) DO UPDATE SET path = EXCLUDED.path, rows = EXCLUDED.rows""";

  /** $1 job, $2 owner: the finished export, only to its owner. */
  static final String FINISHED =
      "SELECT format, path, rows FROM exports WHERE job_id = $1 AND user_id = $2";

  /** $1 job, $2 owner: the state of an export job, only to its owner (no other kind of job). */
  static final String STATUS =
      """
      SELECT status, attempts FROM jobs
      WHERE id = $1 AND kind = 'export' AND (payload->>'userId')::bigint = $2""";

  /** Serialises one user's queueing (quota and de-duplication see each other's inserts). */
  static final String LOCK_USER = "SELECT pg_advisory_xact_lock(hashtext('export'), $1::int)";

  /** $1 owner: the exports queued or running for the user, served by jobs_pending_kind_idx. */
  static final String PENDING =
      """
      SELECT id, payload->>'format' AS format, payload->>'author' AS author FROM jobs
      WHERE kind = 'export' AND status IN ('queued', 'running') AND (payload->>'userId')::bigint = $1""";

  /** $1 cut-off: finished exports written before it, deleted; their files go next. */
  static final String EXPIRED = "DELETE FROM exports WHERE created_at < $1 RETURNING job_id, path";

  private final Sql sql;

  ExportRepository(Sql sql) {
    this.sql = sql;
  }

  /** A finished export file. */
  record Finished(String format, String path, long rows) {}

  /** A job of the user's, not yet finished. */
  record Pending(long id, String format, String author) {}

  Future<Finished> finished(long job, long owner) {
    return sql.query(FINISHED, Tuple.of(job, owner))
        .map(
            rs ->
                Rows.first(
                    rs,
                    r ->
                        new Finished(
                            r.getString("format"), r.getString("path"), r.getLong("rows"))));
  }

  /** The job's status and attempts, or null when it is not this owner's export. */
  Future<Row> status(long job, long owner) {
    return sql.query(STATUS, Tuple.of(job, owner)).map(rs -> Rows.first(rs, r -> r));
  }

  static Future<List<Pending>> pending(Sql tx, long owner) {
    return tx.query(LOCK_USER, Tuple.of((int) owner))
        .compose(v -> tx.query(PENDING, Tuple.of(owner)))
        .map(
            rs ->
                Rows.all(
                    rs,
                    r ->
                        new Pending(
                            r.getLong("id"), r.getString("format"), r.getString("author"))));
  }

  Future<Void> record(long job, long owner, String format, String path, long rows) {
    return sql.query(RECORD, Tuple.of(job, owner, format, path, rows)).mapEmpty();
  }

  /** Deletes the rows of exports written before {@code cutoff}; returns their file paths. */
  Future<List<String>> expire(OffsetDateTime cutoff) {
    return sql.query(EXPIRED, Tuple.of(cutoff)).map(rs -> Rows.all(rs, r -> r.getString("path")));
  }
}
