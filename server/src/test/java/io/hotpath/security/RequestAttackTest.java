package io.hotpath.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding 11, 14 and the "also" list: bytes no polite client sends get a 4xx in the RealWorld error
 * shape, never a 500, never an empty body, and a request that could be smuggled past a proxy ends
 * its connection.
 */
class RequestAttackTest {
  static final String SECRET = "k".repeat(48);
  static Hotpath app;
  static TestServer s;

  @BeforeAll
  static void start() {
    app = Hotpath.start(TestServer.config(Map.of("JWT_SECRET", SECRET)));
    s = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static void assertErrorShape(RawHttp.Response r) throws Exception {
    assertThat(r.header("content-type")).as(r.toString()).startsWith("application/json");
    var json = new ObjectMapper().readTree(r.body());
    assertThat(json.get("errors")).as(r.body()).isNotNull();
    assertThat(json.get("errors").isObject()).isTrue();
  }

  @Test
  void bad_percent_encoding_in_a_query_is_a_400_in_the_error_shape() throws Exception {
    for (String path :
        new String[] {
          "/api/articles?tag=%zz",
          "/api/articles?author=%",
          "/api/articles?%zz=1",
          "/api/tags?x=%E0%A4%A"
        }) {
      try (var raw = new RawHttp(s.port())) {
        var r = raw.send(RawHttp.get(path, null)).read();
        assertThat(r.status()).as(path).isEqualTo(400);
        assertErrorShape(r);
      }
    }
  }

  @Test
  void a_request_without_a_host_header_is_a_400() throws Exception {
    try (var raw = new RawHttp(s.port())) {
      var r = raw.send("GET /api/tags HTTP/1.1\r\n\r\n").read();
      assertThat(r.status()).isEqualTo(400);
      assertErrorShape(r);
    }
  }

  @Test
  void a_token_of_a_deleted_user_is_401_on_reads_and_writes() {
    String u = "ghost_" + TestServer.uid();
    String token = s.register(u);
    app.db()
        .pool()
        .preparedQuery("DELETE FROM users WHERE username = $1")
        .execute(io.vertx.sqlclient.Tuple.of(u))
        .await();
    for (var r :
        new TestServer.Response[] {
          s.post(
              "/api/articles",
              "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\"}}",
              token),
          s.post("/api/webhooks", "{\"webhook\":{\"url\":\"http://example.com/\"}}", token),
          s.post("/api/articles/export", null, token),
          s.get("/api/user", token),
          s.get("/api/articles/feed", token)
        }) {
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.json().at("/errors/token/0").asText()).isEqualTo("is invalid");
    }
  }

  @Test
  void a_signed_token_with_a_non_numeric_exp_is_401() throws Exception {
    for (String claims :
        new String[] {
          "{\"sub\":\"1\",\"exp\":\"tomorrow\"}",
          "{\"sub\":\"1\",\"exp\":{\"a\":1}}",
          "{\"sub\":\"1\",\"iat\":\"x\",\"exp\":99999999999}",
          "{\"sub\":\"one\",\"exp\":99999999999}",
          "{\"sub\":1e400,\"exp\":99999999999}",
          "{\"exp\":99999999999}",
          "[]"
        }) {
      String token = sign("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims);
      var r = s.get("/api/user", token);
      assertThat(r.status()).as(claims + " -> " + r.body()).isEqualTo(401);
      assertThat(r.json().at("/errors/token/0").asText()).isEqualTo("is invalid");
    }
  }

  @Test
  void content_length_with_transfer_encoding_is_rejected_and_the_connection_closed()
      throws Exception {
    try (var raw = new RawHttp(s.port())) {
      var r =
          raw.send(
                  "POST /api/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
              .read();
      assertThat(r.status()).isEqualTo(400);
      assertErrorShape(r);
      assertThat(raw.closedWithin(2000)).as("connection closed after the 400").isTrue();
    }
  }

  @Test
  void an_oversized_request_line_or_header_block_answers_in_the_error_shape() throws Exception {
    try (var raw = new RawHttp(s.port())) {
      var r = raw.send(RawHttp.get("/api/articles/" + "a".repeat(10_000), null)).read();
      assertThat(r.status()).isEqualTo(414);
      assertErrorShape(r);
    }
    try (var raw = new RawHttp(s.port())) {
      var r =
          raw.send(
                  "GET /api/tags HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                      + "b".repeat(20_000)
                      + "\r\n\r\n")
              .read();
      assertThat(r.status()).isEqualTo(431);
      assertErrorShape(r);
    }
  }

  @Test
  void every_response_tells_browsers_not_to_sniff() {
    for (var r :
        new TestServer.Response[] {
          s.get("/api/tags", null),
          s.get("/api/nope", null),
          s.get("/status", null),
          s.get("/metrics", null)
        }) {
      assertThat(r.header("X-Content-Type-Options")).as(r.body()).isEqualTo("nosniff");
    }
  }

  @Test
  void with_a_management_port_metrics_and_status_leave_the_api_port() throws Exception {
    try (var app =
        Hotpath.start(
            TestServer.config(Map.of("MANAGEMENT_PORT", "0", "MANAGEMENT_HOST", "127.0.0.1")))) {
      var api = new TestServer(app);
      assertThat(app.managementPort()).isNotEqualTo(app.port());
      assertThat(api.get("/metrics", null).status()).isEqualTo(404);
      assertThat(api.get("/status", null).status()).isEqualTo(404);
      assertThat(api.get("/health/ready", null).status()).isEqualTo(200); // load balancers
      var http = java.net.http.HttpClient.newHttpClient();
      var metrics =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + app.managementPort() + "/metrics"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void requests_abandoned_mid_flight_do_not_use_up_admission_slots() throws Exception {
    try (var limited =
        Hotpath.start(
            TestServer.config(
                Map.of("MAX_INFLIGHT", "4", "BCRYPT_COST", "10", "HASH_QUEUE", "1000")))) {
      var ls = new TestServer(limited);
      String u = "abort_" + TestServer.uid();
      ls.register(u);
      String body = "{\"user\":{\"email\":\"" + u + "@example.com\",\"password\":\"password123\"}}";
      var aborted = new ArrayList<Thread>();
      for (int i = 0; i < 40; i++) {
        aborted.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try (var raw = new RawHttp(ls.port())) {
                        raw.send(
                            "POST /api/users/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                                + body.length()
                                + "\r\n\r\n"
                                + body);
                      } // reset at once, while the password is being checked
                    }));
      }
      for (var t : aborted) {
        t.join();
      }
      // once the abandoned logins have run their course, the slots are free again: ten requests
      // in a row are admitted (one success alone proved nothing: it could slip in between two
      // abandoned logins still holding slots, and the next ones met 503 on a slow machine)
      assertThat(
              Probe.within(
                  20_000,
                  () -> {
                    for (int i = 0; i < 10; i++) {
                      if (ls.get("/api/tags", null).status() != 200) {
                        return false;
                      }
                    }
                    return true;
                  }))
          .as("ten requests in a row admitted")
          .isTrue();
    }
  }

  static String sign(String header, String claims) throws Exception {
    var b64 = Base64.getUrlEncoder().withoutPadding();
    String data =
        b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    var mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return data + "." + b64.encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }
}
