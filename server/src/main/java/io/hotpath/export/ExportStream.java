package io.hotpath.export;

import io.hotpath.kernel.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;

/**
 * One export, from a server-side cursor ({@link #FETCH} rows at a time) into a write stream with
 * back-pressure: when the destination's queue is full the cursor pauses until it drains, so memory
 * stays constant whatever the number of articles. The cursor needs a transaction, and an export can
 * last longer than a pool's fair share, so it runs on a connection of its own.
 *
 * <p>That connection is released (cursor closed, transaction rolled back, connection closed) on
 * every way an export can end: all rows written; a database error; {@code cancelled} completing
 * (the HTTP client went away, or the server is shutting down); and a client that stops reading
 * without going away, which PostgreSQL itself ends after the connection's idle-in-transaction
 * timeout (EXPORT_IDLE_TIMEOUT_MS).
 */
final class ExportStream {
  static final int FETCH = 500;
  static final String CSV_HEADER =
      "slug,title,description,author,tags,favorites_count,created_at,updated_at,body\n";

  private final Vertx vertx;
  private final PgConnectOptions connect;

  ExportStream(Vertx vertx, PgConnectOptions connect) {
    this.vertx = vertx;
    this.connect = connect;
  }

  /**
   * Writes every article (of {@code author}, if given) to {@code out}, not ending it; completes
   * with the number of rows, or fails (and releases everything) as soon as {@code cancelled}
   * completes.
   */
  Future<Long> write(String format, String author, WriteStream<Buffer> out, Future<?> cancelled) {
    boolean csv = "csv".equals(format);
    Promise<Long> done = Promise.promise();
    cancelled.onComplete(ar -> done.tryFail("export cancelled: the client went away"));
    if (done.future().isComplete()) {
      return done.future();
    }
    return PgConnection.connect(vertx, connect)
        .compose(
            conn -> {
              conn.closeHandler(v -> done.tryFail("export connection closed"));
              return conn.begin()
                  .compose(tx -> rows(conn, csv, author, out, done))
                  // read-only: nothing to commit; closing the connection ends the transaction
                  .eventually(conn::close);
            });
  }

  private Future<Long> rows(
      PgConnection conn, boolean csv, String author, WriteStream<Buffer> out, Promise<Long> done) {
    long[] rows = {0};
    if (csv) {
      out.write(Buffer.buffer(CSV_HEADER));
    }
    conn.prepare(ExportRepository.ROWS)
        .onFailure(done::tryFail)
        .onSuccess(
            ps -> {
              RowStream<Row> stream = ps.createStream(FETCH, Tuple.of(author));
              done.future().onFailure(t -> stream.close());
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
    return done.future();
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
    cell(sb, r.getString("slug")).append(',');
    cell(sb, r.getString("title")).append(',');
    cell(sb, r.getString("description")).append(',');
    cell(sb, r.getString("username")).append(',');
    cell(sb, String.join(" ", r.getArrayOfStrings("tags"))).append(',');
    sb.append(r.getInteger("favorites_count")).append(',');
    sb.append(Timestamps.format(r.getOffsetDateTime("created_at"))).append(',');
    sb.append(Timestamps.format(r.getOffsetDateTime("updated_at"))).append(',');
    cell(sb, r.getString("body")).append('\n');
    return Buffer.buffer(sb.toString());
  }

  /**
   * One CSV cell (RFC 4180: quoted when it needs it, quotes doubled). A cell a spreadsheet would
   * read as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with a single
   * quote and quoted, as OWASP's CSV-injection guidance says: shown as the text it is, never run.
   */
  static StringBuilder cell(StringBuilder sb, String v) {
    if (v == null) {
      return sb;
    }
    boolean formula = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0;
    boolean quote =
        formula
            || v.indexOf(',') >= 0
            || v.indexOf('"') >= 0
            || v.indexOf('\n') >= 0
            || v.indexOf('\r') >= 0;
    if (!quote) {
      return sb.append(v);
    }
    return sb.append('"').append(formula ? "'" : "").append(v.replace("\"", "\"\"")).append('"');
  }
}
