package io.hotpath.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hotpath.Extension;
import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.Sql;
import io.vertx.ext.web.Router;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Unexpected failures reach the error tracker with what identifies them and nothing personal. */
class ErrorTrackingTest {
  static final String TOKEN_MARK = "do-not-send-this-token";

  @Test
  void a_500_reaches_sentry_with_its_request_id_and_without_the_authorization_header()
      throws Exception {
    var envelopes = new CopyOnWriteArrayList<String>();
    var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
          }
          envelopes.add(ex.getRequestURI() + "\n" + new String(body, StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    String dsn = "http://publickey@127.0.0.1:" + receiver.getAddress().getPort() + "/42";
    Extension failing =
        new Extension() {
          @Override
          public List<Consumer<Router>> routesBefore(Sql db) {
            return List.of(
                r ->
                    r.get("/api/test/boom")
                        .handler(
                            ctx -> {
                              throw new IllegalStateException("boom for the error tracker");
                            }));
          }
        };
    try (var app = Hotpath.start(TestServer.config(Map.of("SENTRY_DSN", dsn)), failing)) {
      var server = new TestServer(app);
      String token = server.register("tracked_" + TestServer.uid());
      var r =
          server.send(
              "GET", "/api/test/boom", null, token, Map.of("Cookie", "session=" + TOKEN_MARK));
      assertThat(r.status()).isEqualTo(500);
      String requestId = r.header("X-Request-Id");
      assertThat(requestId).isNotBlank();
      long deadline = System.nanoTime() + 15_000_000_000L;
      String event = null;
      while (event == null && System.nanoTime() < deadline) {
        event =
            envelopes.stream()
                .filter(e -> e.contains("boom for the error tracker"))
                .findFirst()
                .orElse(null);
        if (event == null) {
          Thread.sleep(20); // polling a condition with a deadline, not a fixed wait
        }
      }
      assertThat(event).as("an event arrived (envelopes: %s)", envelopes).isNotNull();
      assertThat(event)
          .startsWith("/api/42/envelope/")
          .contains(requestId)
          .contains("/api/test/boom")
          .contains("IllegalStateException")
          .contains("hotpath@")
          .doesNotContain(TOKEN_MARK)
          .doesNotContain(token)
          .doesNotContain(token.substring(token.lastIndexOf('.') + 1)) // not even the signature
          .doesNotContainIgnoringCase("authorization");
    } finally {
      receiver.stop(0);
    }
  }

  @Test
  void without_a_dsn_nothing_is_loaded() throws IOException {
    assertThat(SentryReports.create(java.util.Optional.empty(), BuildInfo.current()))
        .isSameAs(io.hotpath.kernel.ErrorReports.NONE);
    assertThat(io.sentry.Sentry.isEnabled()).isFalse();
  }
}
