package io.hotpath.ops;

import io.hotpath.error.ApiException;
import io.hotpath.http.AdminToken;
import io.hotpath.http.Admission;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code GET /api/admin/profile?event=cpu|alloc|wall&seconds=N&format=html|jfr} (X-Admin-Token):
 * records a profile of the running server for N seconds (default 10, at most {@link Profiler#MAX})
 * and answers its flame graph (HTML) or the raw JFR recording. Header {@code X-Profile-Engine} says
 * whether async-profiler or the JDK's Flight Recorder made it.
 */
public final class ProfilingRoutes implements Consumer<Router> {
  private final Profiler profiler;
  private final AdminToken guard;

  public ProfilingRoutes(Profiler profiler, Optional<String> adminToken) {
    this.profiler = profiler;
    this.guard = new AdminToken(adminToken);
  }

  @Override
  public void accept(Router router) {
    router.get("/api/admin/profile").handler(guard).handler(this::profile);
  }

  private void profile(RoutingContext ctx) {
    var event = Profiler.Event.of(param(ctx, "event", "cpu"));
    String format = param(ctx, "format", "html");
    if (!format.equals("html") && !format.equals("jfr")) {
      throw new ApiException.Invalid("format", "must be html or jfr");
    }
    long seconds;
    try {
      seconds = Long.parseLong(param(ctx, "seconds", "10"));
    } catch (NumberFormatException e) {
      throw new ApiException.Invalid("seconds", "must be a whole number");
    }
    if (seconds < 1 || seconds > Profiler.MAX.toSeconds()) {
      throw new ApiException.Invalid(
          "seconds", "must be between 1 and " + Profiler.MAX.toSeconds());
    }
    Admission.ownTimeLimit(ctx);
    profiler
        .record(event, Duration.ofSeconds(seconds))
        .onSuccess(
            p -> {
              var r =
                  ctx.response()
                      .putHeader("Cache-Control", "no-store")
                      .putHeader("X-Profile-Engine", p.engine());
              if (format.equals("jfr")) {
                r.putHeader("Content-Type", "application/octet-stream")
                    .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"hotpath-" + event.name().toLowerCase() + ".jfr\"")
                    .end(Buffer.buffer(p.jfr()));
              } else {
                r.putHeader("Content-Type", "text/html; charset=utf-8")
                    .end(Buffer.buffer(p.html()));
              }
            })
        .onFailure(ctx::fail);
  }

  private static String param(RoutingContext ctx, String name, String dflt) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }
}
