package io.hotpath.export;

import io.hotpath.error.ApiException;
import io.hotpath.http.Json;
import io.hotpath.http.Viewer;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code GET /api/articles/export[?format=csv][&author=]} streams the export now; {@code POST
 * /api/articles/export} queues it as a job (202 with the job id) and {@code GET /api/exports/:id}
 * downloads the file when ready (202 with the job's status before).
 */
public final class ExportRoutes implements Consumer<Router> {
  private final Exports exports;
  private final JobQueue jobs;

  public ExportRoutes(Exports exports, JobQueue jobs) {
    this.exports = exports;
    this.jobs = jobs;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/articles/export")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              String format = format(ctx);
              var res =
                  ctx.response()
                      .setChunked(true)
                      .putHeader(
                          "Content-Type",
                          "csv".equals(format) ? "text/csv; charset=utf-8" : "application/x-ndjson")
                      .putHeader(
                          "Content-Disposition", "attachment; filename=\"articles." + format + "\"")
                      .putHeader("Cache-Control", "no-store");
              exports.stream(format, ctx.request().getParam("author"), res)
                  .onComplete(
                      ar -> {
                        if (ar.succeeded()) {
                          res.end();
                        } else if (!res.headWritten()) {
                          ctx.fail(ar.cause());
                        } else {
                          res.reset(); // mid-stream failure: cut the connection so the client sees
                          // an incomplete export
                        }
                      });
            });
    router
        .post("/api/articles/export")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var payload =
                  new JsonObject()
                      .put("userId", Viewer.requireId(ctx))
                      .put("format", format(ctx))
                      .put("author", ctx.request().getParam("author"));
              exports
                  .db()
                  .inTransaction(
                      tx ->
                          jobs.enqueue(
                              tx, Exports.KIND, payload, io.hotpath.http.RequestId.current()))
                  .onSuccess(
                      id ->
                          Json.send(
                              ctx,
                              202,
                              Map.of(
                                  "export",
                                  Map.of(
                                      "id",
                                      id,
                                      "status",
                                      "queued",
                                      "download",
                                      "/api/exports/" + id))))
                  .onFailure(ctx::fail);
            });
    router
        .get("/api/exports/:id")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              long id = io.hotpath.http.PathIds.of(ctx, "id");
              long me = Viewer.requireId(ctx);
              exports
                  .find(id)
                  .onSuccess(
                      row -> {
                        if (row != null && row.userId() != me) {
                          ctx.fail(new ApiException.NotFound("export", id));
                        } else if (row != null) {
                          String format = row.format();
                          ctx.response()
                              .putHeader(
                                  "Content-Type",
                                  "csv".equals(format)
                                      ? "text/csv; charset=utf-8"
                                      : "application/x-ndjson")
                              .putHeader("Cache-Control", "no-store")
                              .sendFile(row.path())
                              .onFailure(ctx::fail);
                        } else {
                          jobs.status(id)
                              .onSuccess(
                                  st -> {
                                    if (st == null) {
                                      ctx.fail(new ApiException.NotFound("export", id));
                                    } else {
                                      Json.send(
                                          ctx, 202, Map.of("export", st.put("id", id).getMap()));
                                    }
                                  })
                              .onFailure(ctx::fail);
                        }
                      })
                  .onFailure(ctx::fail);
            });
  }

  private static String format(RoutingContext ctx) {
    String f = ctx.request().getParam("format");
    if (f == null || f.equals("ndjson")) {
      return "ndjson";
    }
    if (f.equals("csv")) {
      return "csv";
    }
    throw new ApiException.Invalid("format", "must be ndjson or csv");
  }
}
