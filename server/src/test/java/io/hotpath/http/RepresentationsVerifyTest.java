package io.hotpath.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety net under every versioned answer: in verification mode a fingerprint that leaves out
 * an input of its body fails the request instead of serving the bytes kept for the old body; and
 * the Accept-Encoding negotiation.
 */
class RepresentationsVerifyTest {
  static Vertx vertx;
  static HttpClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  int serve(boolean verify, AtomicReference<String> title) {
    var kept = new Representations(1 << 20, true, 1024, verify, new SimpleMeterRegistry());
    var router = Router.router(vertx);
    router.route().handler(HttpCaching.policy(0, kept));
    // the title is in the body but not in the fingerprint: a bug of the kind verification catches
    router
        .get("/thing")
        .handler(
            ctx ->
                Json.answer(
                    ctx,
                    Answer.versioned(
                        Fingerprint.of(Fingerprint.Kind.ARTICLE).add(1),
                        () -> Map.of("title", title.get()))));
    return vertx.createHttpServer().requestHandler(router).listen(0).await().actualPort();
  }

  String get(int port) {
    return client
        .request(HttpMethod.GET, port, "127.0.0.1", "/thing")
        .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)))
        .await();
  }

  @Test
  void without_verification_an_incomplete_fingerprint_serves_the_old_body() {
    var title = new AtomicReference<>("first");
    int port = serve(false, title);
    assertThat(get(port)).isEqualTo("200 {\"title\":\"first\"}");
    title.set("second");
    assertThat(get(port))
        .as("what verification exists to catch")
        .isEqualTo("200 {\"title\":\"first\"}");
  }

  @Test
  void with_verification_an_incomplete_fingerprint_fails_the_request() {
    var title = new AtomicReference<>("first");
    int port = serve(true, title);
    assertThat(get(port)).isEqualTo("200 {\"title\":\"first\"}");
    title.set("second");
    assertThat(get(port)).startsWith("500");
  }

  @Test
  void accept_encoding_prefers_br_then_gzip_and_honours_q_zero() {
    assertThat(Representations.negotiate(null)).isEqualTo(Representations.Coding.IDENTITY);
    assertThat(Representations.negotiate("gzip, deflate, br")).isEqualTo(Representations.Coding.BR);
    assertThat(Representations.negotiate("gzip")).isEqualTo(Representations.Coding.GZIP);
    assertThat(Representations.negotiate("br;q=0, gzip")).isEqualTo(Representations.Coding.GZIP);
    assertThat(Representations.negotiate("br;q=0.0, gzip;q=0"))
        .isEqualTo(Representations.Coding.IDENTITY);
    assertThat(Representations.negotiate("identity")).isEqualTo(Representations.Coding.IDENTITY);
    assertThat(Representations.negotiate("*")).isEqualTo(Representations.Coding.GZIP);
  }
}
