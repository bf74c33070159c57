package io.hotpath.ops;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/**
 * The front door on the API port: {@code GET /} is a small page saying what this server is, which
 * build runs and where to look next; {@code GET /api/version} is the same build information as
 * JSON. Both are static for the life of the process, built once.
 */
public final class FrontDoorRoutes implements Consumer<Router> {
  private final Buffer page;
  private final Buffer version;

  /**
   * {@code opsElsewhere}: the management port when /status, /metrics and /health are served there
   * (-1 when they are on this port).
   */
  public FrontDoorRoutes(BuildInfo build, int opsElsewhere) {
    this.version =
        new JsonObject()
            .put("name", "hotpath")
            .put("version", build.version())
            .put("commit", build.commit())
            .put("buildTime", build.buildTime())
            .put("java", build.java())
            .toBuffer();
    this.page = Buffer.buffer(page(build, opsElsewhere));
  }

  @Override
  public void accept(Router router) {
    router.get("/").handler(StatusRoutes.html(page));
    router
        .get("/api/version")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-cache")
                    .end(version));
  }

  private static String page(BuildInfo b, int opsPort) {
    String ops = opsPort < 0 ? "" : "http://" + "localhost:" + opsPort;
    String opsNote =
        opsPort < 0
            ? ""
            : "<p>Operations endpoints are on the management port " + opsPort + ".</p>";
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Hotpath</title>
        <style>
          body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#222}
          code{background:#f3f3f3;padding:0 .25em;border-radius:3px}
          dt{font-weight:600;float:left;width:7rem} dd{margin:0 0 .25rem 7rem}
          li{margin:.2rem 0}
        </style></head><body>
        <h1>Hotpath</h1>
        <p>A RealWorld (“Conduit”) blogging API backend: Vert.x, reactive PostgreSQL, a two-level
        cache, durable jobs. The API lives under <code>/api</code>.</p>
        <dl>
          <dt>Version</dt><dd id="version">%s</dd>
          <dt>Commit</dt><dd id="commit">%s</dd>
          <dt>Built</dt><dd id="built">%s</dd>
          <dt>Java</dt><dd>%s</dd>
        </dl>
        <h2>Where to look</h2>
        <ul>
          <li><a href="%s/status">/status</a>: live throughput, latency, caches, pools and jobs</li>
          <li><a href="%s/health/ready">/health/ready</a>: readiness, with each check's timing</li>
          <li><a href="%s/metrics">/metrics</a>: Prometheus metrics</li>
          <li><a href="/docs">/docs</a>: the API document, to read and try
          (<a href="/api/openapi.yml">/api/openapi.yml</a>)</li>
          <li><a href="/api/version">/api/version</a>: this build, as JSON</li>
          <li><a href="/api/articles">/api/articles</a> and <a href="/api/tags">/api/tags</a>:
          the public API, readable without a token</li>
        </ul>
        %s
        </body></html>
        """
        .formatted(
            esc(b.version()),
            esc(b.commit()),
            esc(b.buildTime()),
            esc(b.java()),
            ops,
            ops,
            ops,
            opsNote);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
