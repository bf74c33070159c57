package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ETag/304, Cache-Control per caller, compression negotiation, and rate limits with their headers.
 */
class HttpEfficiencyTest {
  static final TestServer server = TestServer.get();
  static Hotpath limited;
  static TestServer limitedServer;

  @BeforeAll
  static void serverWithSmallLimits() {
    limited =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "RATE_LIMIT",
                    "on",
                    "RATE_LIMIT_PER_SECOND",
                    "20",
                    "RATE_LIMIT_AUTH_PER_MINUTE",
                    "5",
                    "RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE",
                    "3")));
    limitedServer = new TestServer(limited);
  }

  @AfterAll
  static void stop() {
    limited.close();
  }

  /**
   * The jar carries Netty's native epoll transport for Linux x86-64, where CI and the benchmarks
   * run: a server that silently fell back to NIO would lose about a tenth of its throughput.
   */
  @Test
  void on_linux_x86_64_the_server_runs_on_the_native_epoll_transport() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("os.name").equals("Linux")
            && System.getProperty("os.arch").equals("amd64"),
        "the native transport shipped is Linux x86-64's");
    var vertx = TestServer.get().app.vertx();
    assertThat(vertx.isNativeTransportEnabled())
        .as("native transport; unavailable because: %s", vertx.unavailableNativeTransportCause())
        .isTrue();
  }

  @Test
  void matching_if_none_match_gets_304_without_a_body() {
    String t = server.register("etag_" + TestServer.uid());
    String slug = server.article(t, "ETag " + TestServer.uid());
    var first = server.get("/api/articles/" + slug, null);
    String etag = first.header("ETag");
    assertThat(etag).startsWith("W/\"");
    var again =
        server.send("GET", "/api/articles/" + slug, null, null, Map.of("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    server.put("/api/articles/" + slug, "{\"article\":{\"body\":\"changed\"}}", t);
    var changed =
        server.send("GET", "/api/articles/" + slug, null, null, Map.of("If-None-Match", etag));
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.header("ETag")).isNotEqualTo(etag);
  }

  @Test
  void comments_tags_and_profiles_carry_etags_too() {
    String u = "etag2_" + TestServer.uid();
    String t = server.register(u);
    String slug = server.article(t, "ETag comments " + u);
    for (String path :
        new String[] {"/api/articles/" + slug + "/comments", "/api/tags", "/api/profiles/" + u}) {
      var r = server.get(path, null);
      assertThat(r.header("ETag")).as(path).isNotNull();
      assertThat(
              server
                  .send("GET", path, null, null, Map.of("If-None-Match", r.header("ETag")))
                  .status())
          .as(path)
          .isEqualTo(304);
    }
  }

  @Test
  void
      browsers_always_revalidate_shared_caches_may_hold_anonymous_answers_and_errors_are_not_kept() {
    String t = server.register("cc_" + TestServer.uid());
    var anon = server.get("/api/articles", null);
    // a browser may keep it but must ask again before each use; a CDN may reuse it for s-maxage
    assertThat(anon.header("Cache-Control"))
        .isEqualTo("public, max-age=0, must-revalidate, s-maxage=5");
    assertThat(anon.header("ETag")).isNotNull();
    assertThat(anon.header("Vary")).contains("Authorization").contains("Accept-Encoding");
    assertThat(server.get("/api/articles", t).header("Cache-Control"))
        .isEqualTo("private, no-cache");
    assertThat(server.get("/api/user", t).header("Cache-Control")).isEqualTo("no-store");
    assertThat(server.get("/api/articles/no-such-article", null).header("Cache-Control"))
        .isEqualTo("no-store");
    assertThat(
            server
                .post(
                    "/api/users/login",
                    "{\"user\":{\"email\":\"x@y.z\",\"password\":\"password1\"}}",
                    null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void the_retired_public_max_age_setting_stops_start_up_naming_its_replacement() {
    var e =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                io.hotpath.config.Config.fromEnv(java.util.Map.of("PUBLIC_MAX_AGE_SECONDS", "0")));
    assertThat(e)
        .isInstanceOf(io.hotpath.config.ConfigException.class)
        .hasMessageContaining("PUBLIC_MAX_AGE_SECONDS")
        .hasMessageContaining("SHARED_MAX_AGE_SECONDS");
  }

  @Test
  void large_responses_are_compressed_as_negotiated_and_small_ones_are_not() throws Exception {
    String t = server.register("gz_" + TestServer.uid());
    String long_ = "x".repeat(5000);
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"Big "
                + TestServer.uid()
                + "\",\"description\":\"d\",\"body\":\""
                + long_
                + "\"}}",
            t);
    String slug = r.json().at("/article/slug").asText();
    for (String enc : new String[] {"gzip", "br"}) {
      var resp =
          server.http.send(
              HttpRequest.newBuilder(URI.create(server.base + "/api/articles/" + slug))
                  .header("Accept-Encoding", enc)
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(resp.headers().firstValue("Content-Encoding")).as(enc).hasValue(enc);
      assertThat(resp.body().length).as(enc).isLessThan(1000);
    }
    var plain =
        server.http.send(
            HttpRequest.newBuilder(URI.create(server.base + "/api/articles/" + slug)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(plain.body().length).isGreaterThan(5000);
    var small =
        server.http.send(
            HttpRequest.newBuilder(URI.create(server.base + "/api/tags"))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (small.body().length < 1024) {
      assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
    }
  }

  @Test
  void registration_beyond_the_auth_limit_gets_429_with_retry_after_and_ratelimit_headers() {
    int created = 0;
    TestServer.Response last = null;
    for (int i = 0; i < 8; i++) {
      String u = "rl_" + TestServer.uid();
      last =
          limitedServer.post(
              "/api/users",
              "{\"user\":{\"username\":\""
                  + u
                  + "\",\"email\":\""
                  + u
                  + "@x.io\",\"password\":\"password1\"}}",
              null);
      if (last.status() == 201) {
        created++;
      }
    }
    assertThat(created).isEqualTo(5);
    assertThat(last.status()).isEqualTo(429);
    assertThat(Long.parseLong(last.header("Retry-After"))).isPositive();
    assertThat(last.header("RateLimit-Limit")).isEqualTo("5");
    assertThat(last.header("RateLimit-Remaining")).isEqualTo("0");
    assertThat(last.json().at("/errors/rate/0").asText()).contains("limit exceeded");
  }

  @Test
  void login_attempts_per_account_are_limited_separately() throws Exception {
    // a fresh server so the per-client auth budget above does not interfere
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "RATE_LIMIT",
                    "on",
                    "RATE_LIMIT_AUTH_PER_MINUTE",
                    "100",
                    "RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE",
                    "3")))) {
      var s = new TestServer(app);
      String u = "acct_" + TestServer.uid();
      s.register(u);
      int[] statuses = new int[5];
      for (int i = 0; i < 5; i++) {
        statuses[i] =
            s.post(
                    "/api/users/login",
                    "{\"user\":{\"email\":\""
                        + u.toUpperCase()
                        + "@example.com\",\"password\":\"wrong-pass\"}}",
                    null)
                .status();
      }
      assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
      String other = "acct2_" + TestServer.uid();
      s.register(other);
      assertThat(
              s.post(
                      "/api/users/login",
                      "{\"user\":{\"email\":\""
                          + other
                          + "@example.com\",\"password\":\"password123\"}}",
                      null)
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void the_general_limit_sheds_a_burst_from_one_client() {
    int limitedCount = 0;
    for (int i = 0; i < 60; i++) {
      if (limitedServer.get("/api/tags", null).status() == 429) {
        limitedCount++;
      }
    }
    assertThat(limitedCount).isPositive();
  }
}
