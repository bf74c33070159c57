package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of every endpoint's input (4 x 2,500 = 10,000 cases): JSON shapes, types,
 * sizes, encodings and injection strings in bodies, paths, query strings and headers. No case may
 * get a 5xx, and a canary written before the fuzzing must read back unchanged after it.
 */
class FuzzTest {
  static TestServer server;
  static String token; // the fuzzing user: its own profile may legitimately change
  static String canaryToken;
  static String slug;
  static String canaryBefore;
  static String user;

  static final List<String> NASTY =
      List.of(
          "' OR 1=1 --",
          "\"; DROP TABLE users; --",
          "<script>alert(1)</script>",
          "../../etc/passwd",
          "%00",
          "\u0000",
          "\uD83D\uDE00",
          "\u202Eevil",
          "${jndi:ldap://x}",
          "{{7*7}}",
          "\\",
          "\"",
          "ÿ",
          "🐉".repeat(300),
          "a".repeat(70_000),
          " ",
          "",
          "null",
          "-1",
          "99999999999999999999",
          "1e308",
          "NaN");

  @BeforeContainer
  static void canary() {
    server = TestServer.get();
    user = "fuzz_" + TestServer.uid();
    canaryToken = server.register(user);
    token = server.register("fuzzer_" + TestServer.uid());
    slug = server.article(canaryToken, "Fuzz canary " + user, "canary");
    server.post(
        "/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"keep me\"}}", canaryToken);
    canaryBefore = server.get("/api/articles/" + slug, null).body();
  }

  @AfterContainer
  static void canarySurvived() {
    System.out.println(
        "fuzz: requests retried after a closed keep-alive connection: " + RETRIED.get());
    assertThat(server.get("/api/articles/" + slug, null).body()).isEqualTo(canaryBefore);
    assertThat(server.get("/api/articles/" + slug + "/comments", null).body()).contains("keep me");
    var login =
        server.post(
            "/api/users/login",
            "{\"user\":{\"email\":\"" + user + "@example.com\",\"password\":\"password123\"}}",
            null);
    assertThat(login.status()).isEqualTo(200);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.of(NASTY),
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12));
  }

  @Provide
  Arbitrary<String> jsonValue() {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            text().map(FuzzTest::quote),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of(
                "true", "false", "null", "[]", "{}", "[1,\"x\",null]", "{\"a\":{\"b\":[]}}"));
    return Arbitraries.oneOf(
        scalar, scalar.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"));
  }

  @Provide
  Arbitrary<String> body() {
    Arbitrary<String> field =
        Arbitraries.of(
            "username",
            "email",
            "password",
            "bio",
            "image",
            "title",
            "description",
            "body",
            "tagList",
            "ids",
            "url",
            "events",
            "x");
    Arbitrary<String> inner =
        Arbitraries.maps(field, jsonValue())
            .ofMaxSize(6)
            .map(
                m -> {
                  var sb = new StringBuilder("{");
                  m.forEach(
                      (k, v) ->
                          sb.append(sb.length() > 1 ? "," : "")
                              .append(quote(k))
                              .append(':')
                              .append(v));
                  return sb.append('}').toString();
                });
    Arbitrary<String> wrapped =
        Arbitraries.of("user", "article", "comment", "webhook", "other")
            .flatMap(w -> inner.map(i -> "{\"" + w + "\":" + i + "}"));
    return Arbitraries.oneOf(wrapped, inner, jsonValue(), text()); // text(): mostly malformed JSON
  }

  @Provide
  Arbitrary<String[]> write() {
    return Arbitraries.of(
        new String[] {"POST", "/api/users"},
        new String[] {"POST", "/api/users/login"},
        new String[] {"PUT", "/api/user"},
        new String[] {"POST", "/api/articles"},
        new String[] {"PUT", "/api/articles/SLUG"},
        new String[] {"POST", "/api/articles/SLUG/comments"},
        new String[] {"POST", "/api/webhooks"},
        new String[] {"POST", "/api/notifications/read"});
  }

  @Property(tries = 2500)
  void any_body_to_any_write_endpoint_gets_no_5xx(
      @ForAll("write") String[] endpoint, @ForAll("body") String body) {
    // updates to the canary are allowed to succeed, so they go to a scratch article instead
    String path = endpoint[1].replace("SLUG", scratchSlug());
    var r = send(endpoint[0], path, body, token, Map.of());
    assertThat(r.status())
        .as(endpoint[0] + " " + path + " " + abbreviate(body) + " -> " + r.body())
        .isLessThan(500);
  }

  @Property(tries = 2500)
  void any_path_and_query_to_any_read_endpoint_gets_no_5xx(
      @ForAll("text") String a, @ForAll("text") String b, @ForAll("readPath") String template) {
    String path = template.replace("{a}", enc(a)).replace("{b}", enc(b));
    var r = send("GET", path, null, (a.length() % 2 == 0) ? token : null, Map.of());
    assertThat(r.status()).as("GET " + abbreviate(path) + " -> " + r.body()).isLessThan(500);
  }

  @Provide
  Arbitrary<String> readPath() {
    return Arbitraries.of(
        "/api/articles?limit={a}&offset={b}",
        "/api/articles?tag={a}&author={b}",
        "/api/articles?favorited={a}&limit={b}",
        "/api/articles/{a}",
        "/api/articles/{a}/comments?limit={b}",
        "/api/profiles/{a}",
        "/api/articles/feed?offset={a}&limit={b}",
        "/api/notifications?limit={a}",
        "/api/exports/{a}",
        "/api/articles/{a}?html={b}",
        "/api/tags?A={b}");
  }

  @Property(tries = 2500)
  void any_delete_or_follow_target_gets_no_5xx(
      @ForAll("text") String a, @ForAll("text") String b, @ForAll("mutatingPath") String template) {
    if (a.contains("Fuzz") || b.contains("Fuzz")) {
      return;
    }
    String[] parts = template.split(" ", 2);
    String path = parts[1].replace("{a}", enc(a)).replace("{b}", enc(b));
    var r = send(parts[0], path, null, token, Map.of());
    assertThat(r.status())
        .as(parts[0] + " " + abbreviate(path) + " -> " + r.body())
        .isLessThan(500);
  }

  @Provide
  Arbitrary<String> mutatingPath() {
    return Arbitraries.of(
        "DELETE /api/articles/{a}",
        "DELETE /api/articles/{a}/comments/{b}",
        "POST /api/articles/{a}/favorite",
        "DELETE /api/articles/{a}/favorite",
        "POST /api/profiles/{a}/follow",
        "DELETE /api/profiles/{a}/follow",
        "DELETE /api/webhooks/{a}");
  }

  @Property(tries = 2500)
  void any_header_garbage_gets_no_5xx(
      @ForAll("text") String auth,
      @ForAll("text") String other,
      @ForAll("headerName") String name) {
    String safeAuth = auth.replaceAll("[^\\x21-\\x7e ]", "?");
    String safeOther = other.replaceAll("[^\\x21-\\x7e ]", "?");
    var headers =
        Map.of("Authorization", "Token " + safeAuth, name, safeOther.isEmpty() ? "x" : safeOther);
    var r = send("GET", "/api/articles/" + slug, null, null, headers);
    assertThat(r.status())
        .as("Authorization: " + abbreviate(safeAuth) + " / " + name + ": " + abbreviate(safeOther))
        .isLessThan(500);
  }

  @Provide
  Arbitrary<String> headerName() {
    return Arbitraries.of(
        "If-None-Match", "Accept-Encoding", "X-Request-Id", "Content-Type", "Accept");
  }

  @Property(tries = 2500)
  void any_raw_request_line_headers_and_percent_encoding_gets_no_5xx(
      @ForAll("rawMethod") String method,
      @ForAll("rawPath") String path,
      @ForAll("rawHeaders") List<String> headers,
      @ForAll boolean withHost) {
    var sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    if (withHost) {
      sb.append("Host: localhost\r\n");
    }
    headers.forEach(h -> sb.append(h).append("\r\n"));
    sb.append("Connection: close\r\n\r\n");
    String raw = sb.toString();
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      var reader =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String status = reader.readLine();
      assertThat(status).as("no answer to " + abbreviate(raw)).isNotNull();
      int code = Integer.parseInt(status.split(" ")[1]);
      assertThat(code).as(abbreviate(raw) + " -> " + status).isLessThan(500);
    } catch (java.io.IOException e) {
      throw new AssertionError("I/O failure for " + abbreviate(raw), e);
    }
  }

  @Provide
  Arbitrary<String> rawMethod() {
    return Arbitraries.oneOf(
        Arbitraries.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE"),
        Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(12));
  }

  @Provide
  Arbitrary<String> rawPath() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(10),
            Arbitraries.of(
                "%zz",
                "%",
                "%2",
                "%00",
                "%ff",
                "%c0%af",
                "%e0%a4%a",
                "%25",
                "..",
                "%2e%2e",
                "%2F",
                ";x=1",
                "a+b",
                "%u0041",
                "~",
                "é"),
            Arbitraries.integers().between(-5, 100_000).map(String::valueOf));
    Arbitrary<String> template =
        Arbitraries.of(
            "/api/articles?tag={s}&limit={s}",
            "/api/articles/{s}",
            "/api/articles/{s}/comments/{s}",
            "/api/profiles/{s}",
            "/api/tags?{s}={s}",
            "/api/{s}",
            "/{s}",
            "/api/articles/feed?offset={s}",
            "/api/exports/{s}",
            "/health/{s}",
            "/metrics?{s}");
    return Combinators.combine(template, segment.list().ofSize(2))
        .as(
            (t, s) ->
                t.replaceFirst("\\{s\\}", java.util.regex.Matcher.quoteReplacement(s.get(0)))
                    .replaceFirst("\\{s\\}", java.util.regex.Matcher.quoteReplacement(s.get(1))));
  }

  @Provide
  Arbitrary<List<String>> rawHeaders() {
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of(
                // framing headers (Content-Length, Transfer-Encoding) are RequestAttackTest's: a
                // declared body that never comes is a client that waits, not a server fault
                "Authorization",
                "Content-Type",
                "If-None-Match",
                "Accept-Encoding",
                "X-Request-Id",
                "X-Forwarded-For",
                "Origin",
                "Access-Control-Request-Method",
                "Cookie",
                "Range",
                "Expect",
                "Upgrade"),
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60),
            Arbitraries.of(
                "Token x.y.z",
                "Bearer ",
                "chunked",
                "-1",
                "99999999999999999999",
                "gzip;q=x",
                "*",
                "\"",
                "100-continue",
                "bytes=0-",
                "websocket",
                "W/\"x\", *"));
    return Combinators.combine(name, value).as((n, v) -> n + ": " + v).list().ofMaxSize(6);
  }

  /**
   * One request; a keep-alive connection the client finds closed ("header parser received no
   * bytes") is retried once on a new connection, and counted, so the property judges statuses.
   */
  static TestServer.Response send(
      String method, String path, String body, String tok, Map<String, String> headers) {
    try {
      return server.send(method, path, body, tok, headers);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof java.io.IOException)) {
        throw e;
      }
      RETRIED.incrementAndGet();
      return server.send(method, path, body, tok, headers);
    }
  }

  static final java.util.concurrent.atomic.AtomicInteger RETRIED =
      new java.util.concurrent.atomic.AtomicInteger();

  private static String scratch;

  private static synchronized String scratchSlug() {
    if (scratch == null) {
      scratch = server.article(token, "Fuzz scratch " + TestServer.uid());
    }
    return scratch;
  }

  private static String quote(String s) {
    var sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s.length() > 3000 ? s.substring(0, 3000) : s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
