package io.hotpath.export;

import io.hotpath.error.ApiException;
import io.hotpath.http.Json;
import io.hotpath.http.PathIds;
import io.hotpath.http.Viewer;
import io.vertx.core.Promise;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code GET /api/articles/export[?format=csv][&author=]} streams the export now; {@code POST
 * /api/articles/export} queues it as a job (202 with the job id) and {@code GET /api/exports/:id}
 * downloads the file when ready (202 with the job's status before); only the owner sees an export,
 * and anything else (another user's job, a job of another kind) is 404.
 */
final class ExportRoutes implements Consumer<Router> {
  private final ExportService service;

  ExportRoutes(ExportService service) {
    this.service = service;
  }

  @Override
  public void accept(Router router) {
    router.get("/api/articles/export").handler(Viewer.required()).handler(this::stream);
    router
        .post("/api/articles/export")
        .handler(Viewer.required())
        .handler(
            ctx ->
                service
                    .queue(request(ctx))
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
                    .onFailure(ctx::fail));
    router.get("/api/exports/:id").handler(Viewer.required()).handler(this::download);
  }

  private void stream(RoutingContext ctx) {
    var request = request(ctx);
    var res = ctx.response();
    // the client going away (or the connection failing) cancels the export and frees its cursor
    Promise<Void> gone = Promise.promise();
    res.closeHandler(v -> gone.tryComplete());
    res.exceptionHandler(t -> gone.tryComplete());
    res.setChunked(true)
        .putHeader("Content-Type", contentType(request.format()))
        .putHeader(
            "Content-Disposition", "attachment; filename=\"articles." + request.format() + "\"")
        .putHeader("Cache-Control", "no-store");
    service.stream(request, res, gone.future())
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                res.end();
              } else if (!res.headWritten()) {
                res.setChunked(false);
                res.headers().remove("Content-Disposition");
                ctx.fail(ar.cause());
              } else if (!res.closed()) {
                res.reset(); // failed mid-stream: cut the connection, the client sees it incomplete
              }
            });
  }

  private void download(RoutingContext ctx) {
    long id = PathIds.of(ctx, "id");
    long me = Viewer.requireId(ctx);
    service
        .finished(id, me)
        .compose(
            file -> {
              if (file != null) {
                return ctx.response()
                    .putHeader("Content-Type", contentType(file.format()))
                    .putHeader("Cache-Control", "no-store")
                    .sendFile(file.path())
                    .map(true);
              }
              return service
                  .status(id, me)
                  .map(
                      st -> {
                        if (st == null) {
                          throw new ApiException.NotFound("export", id);
                        }
                        Json.send(ctx, 202, Map.of("export", st.getMap()));
                        return true;
                      });
            })
        .onFailure(
            t ->
                ctx.fail(
                    t instanceof io.vertx.core.file.FileSystemException
                        ? new ApiException.NotFound("export", id) // expired meanwhile
                        : t));
  }

  private static ExportService.Request request(RoutingContext ctx) {
    return new ExportService.Request(
        Viewer.requireId(ctx), format(ctx), ctx.request().getParam("author"));
  }

  private static String contentType(String format) {
    return "csv".equals(format) ? "text/csv; charset=utf-8" : "application/x-ndjson";
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
