package io.hotpath.export;

import io.hotpath.db.Db;
import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.hotpath.kernel.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Article export: every matching article as NDJSON (one JSON object a line) or CSV, read through a
 * server-side cursor ({@link #FETCH} rows at a time) and written with back-pressure: when the
 * destination's write queue is full the cursor is paused until it drains. Memory stays constant
 * whatever the number of articles. The cursor runs on its own connection (a cursor needs a
 * transaction, and an export can outlive a pool's fair share), not on the request pool.
 *
 * <p>The same export can run as the {@code export} job, writing a file that is downloaded later.
 */
public final class Exports implements JobHandler {
  public static final String KIND = "export";
  static final int FETCH = 500;
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
  static final String FIND = "SELECT user_id, format, path, rows FROM exports WHERE job_id = $1";

  private final Vertx vertx;
  private final Db db;
  private final PgConnectOptions connect;
  private final Path folder;

  public Exports(Vertx vertx, Db db, PgConnectOptions connect, Path folder) {
    this.vertx = vertx;
    this.db = db;
    this.connect = connect;
    this.folder = folder;
  }

  Db db() {
    return db;
  }

  /** Streams the export into {@code out} (not ended); completes with the number of rows. */
  Future<Long> stream(String format, String author, WriteStream<Buffer> out) {
    boolean csv = "csv".equals(format);
    return PgConnection.connect(vertx, connect)
        .compose(
            conn ->
                conn.begin()
                    .compose(
                        tx -> {
                          Promise<Long> done = Promise.promise();
                          long[] rows = {0};
                          if (csv) {
                            out.write(
                                Buffer.buffer(
                                    "slug,title,description,author,tags,favorites_count,created_at,updated_at,body\n"));
                          }
                          conn.prepare(ROWS)
                              .onFailure(done::tryFail)
                              .onSuccess(
                                  ps -> {
                                    var stream = ps.createStream(FETCH, Tuple.of(author));
                                    stream.exceptionHandler(done::tryFail);
                                    stream.endHandler(v -> done.tryComplete(rows[0]));
                                    stream.handler(
                                        row -> {
                                          rows[0]++;
                                          out.write(csv ? csvLine(row) : ndjsonLine(row));
                                          if (out.writeQueueFull()) {
                                            stream.pause();
                                            out.drainHandler(d -> stream.resume());
                                          }
                                        });
                                  });
                          return done.future()
                              .eventually(() -> tx.rollback()); // read-only: nothing to commit
                        })
                    .eventually(conn::close));
  }

  /** Runs an export job: writes DATA_DIR/exports/{job}.{ext} and records it for download. */
  @Override
  public Future<Void> handle(Job job) {
    String format = job.payload().getString("format", "ndjson");
    long user = job.payload().getLong("userId");
    Path file = folder.resolve(job.id() + ("csv".equals(format) ? ".csv" : ".ndjson"));
    return vertx
        .fileSystem()
        .mkdirs(folder.toString())
        .compose(
            v ->
                vertx
                    .fileSystem()
                    .open(
                        file.toString(),
                        new OpenOptions().setTruncateExisting(true).setCreate(true)))
        .compose(
            f ->
                stream(format, job.payload().getString("author"), f).compose(n -> f.close().map(n)))
        .compose(n -> db.query(RECORD, Tuple.of(job.id(), user, format, file.toString(), n)))
        .mapEmpty();
  }

  /** A finished export file. */
  record Finished(long userId, String format, String path, long rows) {}

  /** The finished export of job {@code id}, or null when it is not ready (or not there). */
  Future<Finished> find(long id) {
    return db.query(FIND, Tuple.of(id))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new Finished(
                  r.getLong("user_id"),
                  r.getString("format"),
                  r.getString("path"),
                  r.getLong("rows"));
            });
  }

  static Buffer ndjsonLine(Row r) {
    var o =
        new JsonObject()
            .put("slug", r.getString("slug"))
            .put("title", r.getString("title"))
            .put("description", r.getString("description"))
            .put("body", r.getString("body"))
            .put("tagList", new JsonArray(Arrays.asList(r.getArrayOfStrings("tags"))))
            .put("createdAt", Timestamps.format(r.getOffsetDateTime("created_at")))
            .put("updatedAt", Timestamps.format(r.getOffsetDateTime("updated_at")))
            .put("favoritesCount", r.getInteger("favorites_count"))
            .put("author", r.getString("username"));
    return o.toBuffer().appendByte((byte) '\n');
  }

  static Buffer csvLine(Row r) {
    var sb = new StringBuilder(256);
    csv(sb, r.getString("slug")).append(',');
    csv(sb, r.getString("title")).append(',');
    csv(sb, r.getString("description")).append(',');
    csv(sb, r.getString("username")).append(',');
    csv(sb, String.join(" ", r.getArrayOfStrings("tags"))).append(',');
    sb.append(r.getInteger("favorites_count")).append(',');
    sb.append(Timestamps.format(r.getOffsetDateTime("created_at"))).append(',');
    sb.append(Timestamps.format(r.getOffsetDateTime("updated_at"))).append(',');
    csv(sb, r.getString("body")).append('\n');
    return Buffer.buffer(sb.toString());
  }

  /** RFC 4180: quote every field that needs it, doubling quotes inside. */
  private static StringBuilder csv(StringBuilder sb, String v) {
    if (v == null) {
      return sb;
    }
    boolean quote =
        v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
    if (!quote) {
      return sb.append(v);
    }
    return sb.append('"').append(v.replace("\"", "\"\"")).append('"');
  }
}
