package io.hotpath.ops;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * {@code GET /status}: a small live status page (plain HTML and JS) drawn from {@code /metrics}.
 */
public final class StatusRoutes implements Consumer<Router> {
  private final Buffer page;

  public StatusRoutes() {
    try (var in = StatusRoutes.class.getResourceAsStream("/status/index.html")) {
      page = Buffer.buffer(in.readAllBytes());
    } catch (IOException | NullPointerException e) {
      throw new UncheckedIOException(new IOException("status page missing from the classpath", e));
    }
  }

  @Override
  public void accept(Router router) {
    router.get("/status").handler(html(page));
  }

  /** Serves a fixed HTML page that browsers revalidate on every use. */
  static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> html(Buffer page) {
    return ctx ->
        ctx.response()
            .putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("Cache-Control", "no-cache")
            .end(page);
  }
}
