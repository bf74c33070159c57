package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.hotpath.db.EmbeddedPostgresServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Metrics move with traffic, health reflects PostgreSQL and shutdown, slow things are logged, spans
 * are exported.
 */
class ObservabilityTest {
  static final TestServer server = TestServer.get();

  /** Sum of the samples of {@code metric} whose label text contains every fragment. */
  static double metric(TestServer s, String metric, String... fragments) {
    double total = 0;
    for (String line : s.get("/metrics", null).body().split("\n")) {
      if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
        continue;
      }
      boolean all = true;
      for (String f : fragments) {
        all &= line.contains(f);
      }
      if (all) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  @Test
  void metrics_counters_and_histograms_move_with_known_traffic() {
    String tagsRoute = "route=\"/api/tags\"";
    String slugRoute = "route=\"/api/articles/:slug\"";
    double tags = metric(server, "vertx_http_server_requests_total", tagsRoute, "code=\"200\"");
    double tagsHist = metric(server, "vertx_http_server_response_time_seconds_count", tagsRoute);
    double notFound = metric(server, "vertx_http_server_requests_total", slugRoute, "code=\"404\"");
    double statements = metric(server, "hotpath_db_statements_seconds_count");
    for (int i = 0; i < 7; i++) {
      assertThat(server.get("/api/tags", null).status()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(server.get("/api/articles/no-such-" + TestServer.uid(), null).status())
          .isEqualTo(404);
    }
    assertThat(metric(server, "vertx_http_server_requests_total", tagsRoute, "code=\"200\"") - tags)
        .isEqualTo(7);
    assertThat(
            metric(server, "vertx_http_server_response_time_seconds_count", tagsRoute) - tagsHist)
        .isEqualTo(7);
    assertThat(
            metric(server, "vertx_http_server_requests_total", slugRoute, "code=\"404\"")
                - notFound)
        .isEqualTo(3);
    assertThat(
            metric(
                server, "vertx_http_server_response_time_seconds_bucket", tagsRoute, "le=\"+Inf\""))
        .isGreaterThanOrEqualTo(7);
    assertThat(metric(server, "hotpath_db_statements_seconds_count")).isGreaterThan(statements);
    assertThat(metric(server, "cache_gets_total", "cache=\"slug\"")).isGreaterThanOrEqualTo(3);
    String all = server.get("/metrics", null).body();
    assertThat(all)
        .contains("vertx_pool_in_use{pool_name=\"hotpath-db\",pool_type=\"sql\"}")
        .contains("vertx_pool_queue_pending{pool_name=\"hotpath-db\"")
        .contains("hotpath_eventloop_delay_seconds_bucket")
        .contains("jvm_memory_used_bytes")
        .contains("jvm_gc_pause_seconds")
        .contains("vertx_http_server_active_requests")
        .contains("vertx_http_server_response_bytes");
  }

  @Test
  void liveness_and_readiness_answer_health_json() {
    var live = server.get("/health/live", null);
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.header("Content-Type")).isEqualTo("application/health+json");
    var ready = server.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("status").asText()).isEqualTo("pass");
    assertThat(ready.json().get("checks").toString())
        .contains("database")
        .contains("duration_ms")
        .contains("redis");
  }

  @Test
  void readiness_flips_to_503_while_postgres_is_down_and_requests_fail_fast() throws Exception {
    var dir = io.hotpath.TestServer.tempDir("hotpath-ready").resolve("pg");
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var pg = EmbeddedPostgresServer.start(dir, false, port);
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "DATABASE_URL", pg.url(), "CACHE", "off", "DB_CONNECT_TIMEOUT_MS", "1000")))) {
      var s = new TestServer(app);
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
      pg.close();
      var down = s.get("/health/ready", null);
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.json().get("checks").toString()).contains("\"fail\"");
      long t0 = System.nanoTime();
      var failing = s.get("/api/articles", null);
      assertThat(failing.status()).isEqualTo(503);
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
      assertThat(s.get("/health/live", null).status()).isEqualTo(200);

      pg = EmbeddedPostgresServer.start(dir, false, port);
      long deadline = System.nanoTime() + 20_000_000_000L;
      int status = 0;
      while (System.nanoTime() < deadline
          && (status = s.get("/health/ready", null).status()) != 200) {
        Thread.sleep(200);
      }
      assertThat(status).isEqualTo(200);
      assertThat(s.get("/api/articles", null).status()).isEqualTo(200);
    } finally {
      pg.close();
    }
  }

  @Test
  void readiness_turns_503_when_a_graceful_shutdown_begins() throws Exception {
    var app = Hotpath.start(TestServer.config(Map.of("SHUTDOWN_DRAIN_MS", "1500")));
    var s = new TestServer(app);
    assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
    var closing = CompletableFuture.runAsync(app::close);
    var during = s.get("/health/ready", null);
    for (int i = 0; i < 500 && during.status() != 503; i++) {
      during = s.get("/health/ready", null); // until the shutdown has begun
    }
    assertThat(during.status()).isEqualTo(503);
    assertThat(during.body()).contains("shutting down");
    assertThat(s.get("/api/tags", null).status())
        .isEqualTo(200); // in-flight and new requests still served while draining
    closing.join();
  }

  @Test
  void slow_queries_and_slow_requests_are_logged_without_parameter_values() {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    var slowQuery = (Logger) LoggerFactory.getLogger("hotpath.slow-query");
    var slowRequest = (Logger) LoggerFactory.getLogger("hotpath.slow-request");
    slowQuery.addAppender(appender);
    slowRequest.addAppender(appender);
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of("SLOW_QUERY_MS", "0", "SLOW_REQUEST_MS", "0", "CACHE", "off")))) {
      var s = new TestServer(app);
      String secretSlug = "secret-slug-" + TestServer.uid();
      var r = s.get("/api/articles/" + secretSlug, null);
      assertThat(r.status()).isEqualTo(404);
      var queries =
          List.copyOf(appender.list).stream() // the job poller keeps appending
              .filter(e -> e.getLoggerName().equals("hotpath.slow-query"))
              .toList();
      // the job poller's statements are logged too: pick the article lookup among them
      var kv =
          queries.stream()
              .map(ObservabilityTest::keyValues)
              .filter(m -> m.getOrDefault("statement", "").contains("FROM articles a"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no slow-query line for the article lookup"));
      assertThat(kv.get("statement")).doesNotContain(secretSlug);
      assertThat(kv).containsKey("duration_ms");
      assertThat(queries)
          .allSatisfy(q -> assertThat(q.getFormattedMessage()).doesNotContain(secretSlug));
      // the slow-request line is written when the response has ended, which may be just after the
      // client has it
      Map<String, String> req = null;
      for (int i = 0; i < 100 && req == null; i++) {
        req =
            List.copyOf(appender.list).stream()
                .filter(e -> e.getLoggerName().equals("hotpath.slow-request"))
                .map(ObservabilityTest::keyValues)
                .filter(m -> "/api/articles/:slug".equals(m.get("route")))
                .findFirst()
                .orElse(null);
        if (req == null) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        }
      }
      assertThat(req).as("slow-request log line").isNotNull();
      assertThat(req.get("status")).isEqualTo("404");
      assertThat(req.get("method")).isEqualTo("GET");
      assertThat(req.get("request_id")).isEqualTo(r.header("X-Request-Id"));
    } finally {
      slowQuery.detachAppender(appender);
      slowRequest.detachAppender(appender);
    }
  }

  @Test
  void with_an_otlp_endpoint_request_and_sql_spans_are_exported() throws Exception {
    var received = new ByteArrayOutputStream();
    var collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        ex -> {
          synchronized (received) {
            received.write(ex.getRequestBody().readAllBytes());
          }
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    collector.start();
    try {
      var env =
          Map.of(
              "OTEL_EXPORTER_OTLP_ENDPOINT",
              "http://127.0.0.1:" + collector.getAddress().getPort(),
              "CACHE",
              "off");
      try (var app = Hotpath.start(TestServer.config(env))) {
        var s = new TestServer(app);
        for (int i = 0; i < 5; i++) {
          s.get("/api/articles", null);
        }
      } // close() flushes the batch processor
      String text;
      synchronized (received) {
        text = received.toString(StandardCharsets.ISO_8859_1);
      }
      assertThat(text).contains("GET /api/articles").contains("SQL SELECT").contains("hotpath");
    } finally {
      collector.stop(0);
    }
  }

  private static Map<String, String> keyValues(ILoggingEvent e) {
    var m = new HashMap<String, String>();
    if (e.getKeyValuePairs() != null) {
      e.getKeyValuePairs().forEach(kv -> m.put(kv.key, String.valueOf(kv.value)));
    }
    return m;
  }
}
