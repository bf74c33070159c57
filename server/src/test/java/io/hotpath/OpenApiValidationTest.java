package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The served API document is true: a scenario that calls every endpoint, success and error cases,
 * and validates each request and response against {@code /api/openapi.yml} as the server serves it.
 * Renaming a response field, adding an undeclared status or changing a shape fails here.
 */
class OpenApiValidationTest {
  static final String ADMIN = "admin-token-for-the-openapi-test";
  static Hotpath app;
  static TestServer server;
  static OpenApiInteractionValidator validator;
  final List<String> problems = new ArrayList<>();
  int exchanges;

  @BeforeAll
  static void start() {
    app = Hotpath.start(TestServer.config(Map.of("ADMIN_TOKEN", ADMIN)));
    server = new TestServer(app);
    var doc = server.get("/api/openapi.yml", null);
    assertThat(doc.status()).isEqualTo(200);
    validator = OpenApiInteractionValidator.createForInlineApiSpecification(doc.body()).build();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void every_endpoint_answers_as_the_document_says() {
    String u = "oa" + TestServer.uid();
    String reg =
        "{\"user\":{\"username\":\""
            + u
            + "\",\"email\":\""
            + u
            + "@example.com\","
            + "\"password\":\"password123\"}}";
    var r = call("POST", "/api/users", reg, null, 201);
    String token = r.json().at("/user/token").asText();
    call("POST", "/api/users", reg, null, 409);
    call("POST", "/api/users", "{\"user\":{}}", null, 422);
    call(
        "POST",
        "/api/users/login",
        "{\"user\":{\"email\":\"" + u + "@example.com\",\"password\":\"password123\"}}",
        null,
        200);
    call(
        "POST",
        "/api/users/login",
        "{\"user\":{\"email\":\"" + u + "@example.com\",\"password\":\"wrong-password\"}}",
        null,
        401);
    call("GET", "/api/user", null, token, 200);
    call("GET", "/api/user", null, null, 401);
    call("PUT", "/api/user", "{\"user\":{\"bio\":\"documented\"}}", token, 200);

    String other = "ob" + TestServer.uid();
    String otherToken = server.register(other);
    call("GET", "/api/profiles/" + other, null, token, 200);
    call("GET", "/api/profiles/nobody-" + TestServer.uid(), null, null, 404);
    call("POST", "/api/profiles/" + other + "/follow", null, token, 200);
    call("DELETE", "/api/profiles/" + other + "/follow", null, token, 200);
    call("POST", "/api/profiles/" + other + "/follow", null, token, 200);

    var created =
        call(
            "POST",
            "/api/articles",
            "{\"article\":{\"title\":\"Documented "
                + u
                + "\",\"description\":\"d\","
                + "\"body\":\"**b**\",\"tagList\":[\"openapi\"]}}",
            token,
            201);
    String slug = created.json().at("/article/slug").asText();
    call("POST", "/api/articles", "{\"article\":{\"title\":\"\"}}", token, 422);
    var article = call("GET", "/api/articles/" + slug, null, null, 200);
    call(
        "GET",
        "/api/articles/" + slug,
        null,
        null,
        304,
        Map.of("If-None-Match", article.header("ETag")));
    call("GET", "/api/articles/" + slug + "?html=true", null, null, 200);
    call("GET", "/api/articles/nothing-" + TestServer.uid(), null, null, 404);
    call("PUT", "/api/articles/" + slug, "{\"article\":{\"body\":\"edited\"}}", token, 200);
    call("PUT", "/api/articles/" + slug, "{\"article\":{\"body\":\"theirs\"}}", otherToken, 403);
    call("GET", "/api/articles?limit=5", null, null, 200);
    call("GET", "/api/articles?tag=openapi&limit=5", null, token, 200);
    call("GET", "/api/articles?author=" + u, null, null, 200);
    call("GET", "/api/articles?limit=-1", null, null, 422);
    call("POST", "/api/articles/" + slug + "/favorite", null, otherToken, 200);
    call("GET", "/api/articles?favorited=" + other, null, null, 200);
    call("DELETE", "/api/articles/" + slug + "/favorite", null, otherToken, 200);
    call("GET", "/api/articles/feed", null, otherToken, 200);
    call("GET", "/api/articles/feed", null, null, 401);
    var comment =
        call(
            "POST",
            "/api/articles/" + slug + "/comments",
            "{\"comment\":{\"body\":\"documented comment\"}}",
            otherToken,
            200,
            201);
    long commentId = comment.json().at("/comment/id").asLong();
    call("GET", "/api/articles/" + slug + "/comments", null, null, 200);
    call("DELETE", "/api/articles/" + slug + "/comments/" + commentId, null, token, 403);
    call("DELETE", "/api/articles/" + slug + "/comments/" + commentId, null, otherToken, 200, 204);
    call("GET", "/api/tags", null, null, 200);

    call("GET", "/api/version", null, null, 200);
    call("GET", "/api/notifications", null, token, 200);
    call("POST", "/api/notifications/read", null, token, 200);
    call(
        "POST",
        "/api/webhooks",
        "{\"webhook\":{\"url\":\"http://127.0.0.1:1/hook\",\"events\":[\"comment\"]}}",
        token,
        422);
    call("GET", "/api/webhooks", null, token, 200);
    call("DELETE", "/api/webhooks/999999999", null, token, 404);
    var queued = call("POST", "/api/articles/export", null, token, 202);
    call("GET", "/api/exports/" + queued.json().at("/export/id").asLong(), null, token, 200, 202);
    call("GET", "/api/exports/999999999", null, token, 404);
    call("GET", "/api/dashboard", null, token, 200);
    call("GET", "/api/admin/jobs", null, null, 401);
    call("GET", "/api/admin/jobs", null, null, 200, Map.of("X-Admin-Token", ADMIN));
    call(
        "POST", "/api/admin/jobs/999999999/retry", null, null, 404, Map.of("X-Admin-Token", ADMIN));
    call("GET", "/api/admin/profile?seconds=0", null, null, 422, Map.of("X-Admin-Token", ADMIN));
    call("GET", "/health/live", null, null, 200);
    call("GET", "/health/ready", null, null, 200);
    call("DELETE", "/api/articles/" + slug, null, otherToken, 403);
    call("DELETE", "/api/articles/" + slug, null, token, 200, 204);

    assertThat(exchanges).isGreaterThan(50);
    assertThat(problems).as("exchanges the document does not describe").isEmpty();
  }

  private TestServer.Response call(
      String method, String pathAndQuery, String body, String token, int... expected) {
    return call(method, pathAndQuery, body, token, expected, Map.of());
  }

  private TestServer.Response call(
      String method,
      String pathAndQuery,
      String body,
      String token,
      int expected,
      Map<String, String> headers) {
    return call(method, pathAndQuery, body, token, new int[] {expected}, headers);
  }

  private TestServer.Response call(
      String method,
      String pathAndQuery,
      String body,
      String token,
      int[] expected,
      Map<String, String> headers) {
    var r = server.send(method, pathAndQuery, body, token, headers);
    exchanges++;
    assertThat(r.status())
        .as("%s %s: %s", method, pathAndQuery, r.body())
        .isIn(java.util.Arrays.stream(expected).boxed().toList());
    String path = pathAndQuery;
    String query = "";
    int q = pathAndQuery.indexOf('?');
    if (q >= 0) {
      path = pathAndQuery.substring(0, q);
      query = pathAndQuery.substring(q + 1);
    }
    var req = new SimpleRequest.Builder(Request.Method.valueOf(method), path);
    for (String kv : query.split("&")) {
      if (!kv.isEmpty()) {
        int eq = kv.indexOf('=');
        req.withQueryParam(
            URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    if (token != null) {
      req.withAuthorization("Token " + token);
    }
    headers.forEach(req::withHeader);
    if (body != null) {
      req.withContentType("application/json").withBody(body);
    }
    var res = SimpleResponse.Builder.status(r.status());
    String ct = r.header("Content-Type");
    if (ct != null) {
      res.withContentType(ct);
    }
    if (!r.body().isEmpty()) {
      res.withBody(r.body());
    }
    // a request the scenario sends wrong on purpose (an error case) only has its answer checked
    boolean errorCase = java.util.Arrays.stream(expected).allMatch(c -> c >= 400);
    var report =
        errorCase
            ? validator.validateResponse(path, Request.Method.valueOf(method), res.build())
            : validator.validate(req.build(), res.build());
    if (report.hasErrors()) {
      problems.add(method + " " + pathAndQuery + " -> " + r.status() + ": " + report.getMessages());
    }
    return r;
  }
}
