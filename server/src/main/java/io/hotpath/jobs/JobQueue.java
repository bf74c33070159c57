package io.hotpath.jobs;

import io.hotpath.db.Db;
import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.hotpath.kernel.RequestScope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable job queue in PostgreSQL, with all of its SQL.
 *
 * <ul>
 *   <li><b>Transactional enqueue</b>: {@link #enqueue} takes the caller's transaction, and {@link
 *       #insertFrom} puts the job in the write's own statement, so a job exists exactly when the
 *       business write that caused it commits.
 *   <li><b>Claiming</b> uses {@code FOR UPDATE SKIP LOCKED} on the partial index of due jobs: any
 *       number of workers on any number of instances share the table, and never the same job.
 *   <li><b>Leases</b>: a claimed job is {@code running} until {@code locked_until}; a worker that
 *       dies leaves it to {@link #requeueExpired}, so it runs again (at-least-once).
 *   <li><b>Retries</b>: a failure re-queues with exponential backoff and jitter; after {@code
 *       max_attempts} the job is {@code dead}, kept for the admin API.
 * </ul>
 *
 * Time comes from the injected clock (never the database's {@code now()}), so tests move it.
 */
public final class JobQueue {
  static final String INSERT =
      """
      INSERT INTO jobs (kind, payload, max_attempts, run_at, request_id) VALUES ($1, $2, $3, $4, $5) RETURNING id""";

  /**
   * $5: kinds not to take (the capped ones, claimed apart through {@link #CLAIM_KIND}). Walks
   * jobs_due_idx from the oldest due job.
   */
  static final String CLAIM =
      """
      UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $2, locked_until = $3
      FROM (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 AND NOT (kind = ANY($5::text[]))
            ORDER BY run_at, id LIMIT $4::int FOR UPDATE SKIP LOCKED) due
      WHERE j.id = due.id
      RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.request_id""";

  /**
   * $5: the one kind to take. Its own statement, so that it walks jobs_due_kind_idx within the
   * kind: one statement with an optional kind filter walked every due job of other kinds (a capped
   * kind's claim cost grew with the backlog: 7 ms per claim behind 4,400 queued notifications).
   */
  static final String CLAIM_KIND =
      """
      UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $2, locked_until = $3
      FROM (SELECT id FROM jobs WHERE status = 'queued' AND kind = $5 AND run_at <= $1
            ORDER BY run_at, id LIMIT $4::int FOR UPDATE SKIP LOCKED) due
      WHERE j.id = due.id
      RETURNING j.id, j.kind, j.payload, j.attempts, j.max_attempts, j.request_id""";

  static final String COMPLETE =
      """
      UPDATE jobs SET status = 'done', finished_at = $3, locked_by = NULL, locked_until = NULL, last_error = NULL
      WHERE id = $1 AND locked_by = $2 AND status = 'running'""";
  static final String RETRY =
      """
      UPDATE jobs SET status = 'queued', run_at = $3, locked_by = NULL, locked_until = NULL, last_error = $4
      WHERE id = $1 AND locked_by = $2 AND status = 'running'""";
  static final String BURY =
      """
      UPDATE jobs SET status = 'dead', finished_at = $3, locked_by = NULL, locked_until = NULL, last_error = $4
      WHERE id = $1 AND locked_by = $2 AND status = 'running'""";
  static final String REQUEUE_EXPIRED =
      """
      UPDATE jobs SET status = 'queued', run_at = $1, locked_by = NULL, locked_until = NULL,
                      last_error = coalesce(last_error, 'lease expired (worker lost)')
      WHERE status = 'running' AND locked_until < $1""";
  static final String STATS =
      """
      SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
             count(*) FILTER (WHERE status = 'running') AS running,
             (SELECT count(*) FROM jobs WHERE status = 'dead') AS dead,
             min(run_at) FILTER (WHERE status = 'queued') AS oldest
      FROM jobs WHERE status IN ('queued', 'running')""";
  static final String DEAD =
      """
      SELECT id, kind, payload, attempts, max_attempts, last_error, created_at, finished_at, request_id
      FROM jobs WHERE status = 'dead' ORDER BY id DESC LIMIT $1::int OFFSET $2::int""";
  static final String RETRY_DEAD =
      """
      UPDATE jobs SET status = 'queued', attempts = 0, run_at = $2, last_error = NULL, finished_at = NULL
      WHERE id = $1 AND status = 'dead' RETURNING id""";
  static final String DISCARD_DEAD =
      "DELETE FROM jobs WHERE id = $1 AND status = 'dead' RETURNING id";
  static final String STATUS = "SELECT status, attempts, last_error FROM jobs WHERE id = $1";

  private final Db db;
  private final Clock clock;
  private final int maxAttempts;

  public JobQueue(Db db, Clock clock, int maxAttempts) {
    this.db = db;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  /**
   * Adds a job inside the caller's transaction {@code tx}; returns its id. The job carries the id
   * of the request being served, if any, so its logs can be traced back to it.
   */
  public Future<Long> enqueue(Sql tx, String kind, JsonObject payload) {
    return tx.query(
            INSERT, Tuple.of(kind, payload, maxAttempts, now(), RequestScope.currentRequestId()))
        .map(rs -> rs.iterator().next().getLong("id"));
  }

  /**
   * The job INSERT fed by {@code rows}, a SELECT of {@code kind} and {@code payload} (jsonb), for a
   * write that queues its jobs in the same statement as itself (a data-modifying WITH item): no
   * transaction, one round trip. Parameters {@code $first} to {@code $first + 2} are {@link
   * #insertArgs}'s, added in that order after the write's own.
   */
  public static String insertFrom(String rows, int first) {
    return """
        INSERT INTO jobs (kind, payload, max_attempts, run_at, request_id)
        SELECT r.kind, r.payload, $%d::int, $%d::timestamptz, $%d::text FROM (%s) r
        RETURNING id"""
        .formatted(first, first + 1, first + 2, rows);
  }

  /** Adds the values of {@link #insertFrom}'s parameters to {@code args}. */
  public Tuple insertArgs(Tuple args) {
    return args.addInteger(maxAttempts)
        .addOffsetDateTime(now())
        .addString(RequestScope.currentRequestId());
  }

  /** The job's status (queued, running, done, dead) with its attempts and last error, or null. */
  Future<JsonObject> status(long id) {
    return db.query(STATUS, Tuple.of(id))
        .map(
            rs ->
                Rows.first(
                    rs,
                    r ->
                        new JsonObject()
                            .put("status", r.getString("status"))
                            .put("attempts", r.getInteger("attempts"))
                            .put("lastError", r.getString("last_error"))));
  }

  Future<List<Job>> claim(String worker, int max, Duration lease) {
    return claim(worker, max, lease, java.util.Set.of(), null);
  }

  /**
   * Claims up to {@code max} due jobs, none of a kind in {@code excluded}, and only of {@code only}
   * when it is not null.
   */
  Future<List<Job>> claim(
      String worker, int max, Duration lease, java.util.Set<String> excluded, String only) {
    var now = now();
    var args = Tuple.of(now, worker, now.plus(lease), max);
    return db.query(
            only == null ? CLAIM : CLAIM_KIND,
            only == null
                ? args.addArrayOfString(excluded.toArray(String[]::new))
                : args.addString(only))
        .map(
            rs -> {
              var jobs = new ArrayList<Job>(rs.size());
              for (Row r : rs) {
                Object p = r.getValue("payload");
                JsonObject payload =
                    p instanceof JsonObject j ? j : new JsonObject(String.valueOf(p));
                jobs.add(
                    new Job(
                        r.getLong("id"),
                        r.getString("kind"),
                        payload,
                        r.getInteger("attempts"),
                        r.getInteger("max_attempts"),
                        r.getString("request_id")));
              }
              return jobs;
            });
  }

  Future<Void> complete(Job job, String worker) {
    return db.query(COMPLETE, Tuple.of(job.id(), worker, now())).mapEmpty();
  }

  /** Re-queues after {@code backoff}, or buries the job when it has no attempts left. */
  Future<Boolean> fail(Job job, String worker, String error, Duration backoff) {
    boolean last = job.attempts() >= job.maxAttempts();
    String message =
        error == null ? "failed" : error.length() > 2000 ? error.substring(0, 2000) : error;
    return db.query(
            last ? BURY : RETRY,
            Tuple.of(job.id(), worker, last ? now() : now().plus(backoff), message))
        .map(rs -> last);
  }

  /** Puts jobs whose lease expired (their worker died) back in the queue; returns how many. */
  public Future<Integer> requeueExpired() {
    return db.query(REQUEUE_EXPIRED, Tuple.of(now())).map(rs -> rs.rowCount());
  }

  /** Queue depth: queued, running, dead, and the age in seconds of the oldest queued job. */
  Future<JsonObject> stats() {
    return db.query(STATS, Tuple.tuple())
        .map(
            rs -> {
              Row r = rs.iterator().next();
              OffsetDateTime oldest = r.getOffsetDateTime("oldest");
              double age =
                  oldest == null
                      ? 0
                      : Math.max(0, Duration.between(oldest, now()).toMillis() / 1000.0);
              return new JsonObject()
                  .put("queued", r.getLong("queued"))
                  .put("running", r.getLong("running"))
                  .put("dead", r.getLong("dead"))
                  .put("oldestAgeSeconds", age);
            });
  }

  Future<List<JsonObject>> dead(int limit, int offset) {
    return db.query(DEAD, Tuple.of(limit, offset))
        .map(
            rs -> {
              var out = new ArrayList<JsonObject>();
              for (Row r : rs) {
                out.add(
                    new JsonObject()
                        .put("id", r.getLong("id"))
                        .put("kind", r.getString("kind"))
                        .put("payload", r.getValue("payload"))
                        .put("attempts", r.getInteger("attempts"))
                        .put("lastError", r.getString("last_error"))
                        .put("requestId", r.getString("request_id"))
                        .put("createdAt", String.valueOf(r.getOffsetDateTime("created_at")))
                        .put("finishedAt", String.valueOf(r.getOffsetDateTime("finished_at"))));
              }
              return out;
            });
  }

  Future<Boolean> retryDead(long id) {
    return db.query(RETRY_DEAD, Tuple.of(id, now())).map(rs -> rs.size() > 0);
  }

  Future<Boolean> discardDead(long id) {
    return db.query(DISCARD_DEAD, Tuple.of(id)).map(rs -> rs.size() > 0);
  }

  OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
