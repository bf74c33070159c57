package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear 4xx in the RealWorld error shape, never a 5xx, and nothing stored changes.
 */
class BadInputTest {
  static final TestServer server = TestServer.get();
  static String token;
  static String slug;
  static String user;

  @BeforeAll
  static void anAuthorWithAnArticle() {
    user = "bad_" + TestServer.uid();
    token = server.register(user);
    slug = server.article(token, "Bad input target " + user, "x");
  }

  @Test
  void malformed_json_is_422_with_errors_body() {
    var r = server.post("/api/articles", "{\"article\": {", token);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().at("/errors/body/0").asText()).isEqualTo("is not valid JSON");
  }

  @Test
  void wrong_types_are_422_naming_the_field() {
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":5,\"description\":\"d\",\"body\":\"b\"}}",
            token);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().at("/errors/title/0").asText()).isEqualTo("must be a string");
    var tags =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":\"x\"}}",
            token);
    assertThat(tags.status()).isEqualTo(422);
    assertThat(tags.json().at("/errors/tagList/0").asText()).contains("array");
    var wrapper = server.post("/api/users", "[1,2]", null);
    assertThat(wrapper.status()).isEqualTo(422);
  }

  @Test
  void missing_wrapper_or_fields_are_422_cant_be_blank() {
    assertThat(server.post("/api/users", "{}", null).json().at("/errors/user/0").asText())
        .isEqualTo("can't be blank");
    var r =
        server.post(
            "/api/users", "{\"user\":{\"email\":\"a@b.c\",\"password\":\"password1\"}}", null);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.json().at("/errors/username/0").asText()).isEqualTo("can't be blank");
  }

  @Test
  void oversized_body_is_413_in_the_error_shape() {
    String big = "x".repeat(1_100_000);
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"" + big + "\"}}",
            token);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().at("/errors/body/0").asText()).startsWith("is too large");
  }

  @Test
  void non_numeric_comment_id_is_422_and_unknown_one_is_404() {
    assertThat(server.delete("/api/articles/" + slug + "/comments/abc", token).status())
        .isEqualTo(422);
    var r = server.delete("/api/articles/" + slug + "/comments/99999999999", token);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().at("/errors/comment/0").asText()).isEqualTo("not found");
  }

  @Test
  void negative_or_non_numeric_paging_is_422_and_huge_limit_is_capped() {
    assertThat(server.get("/api/articles?limit=-1", null).status()).isEqualTo(422);
    assertThat(server.get("/api/articles?offset=-5", null).status()).isEqualTo(422);
    assertThat(server.get("/api/articles?limit=ten", null).status()).isEqualTo(422);
    assertThat(server.get("/api/articles?offset=99999999999999999999", null).status())
        .isEqualTo(422);
    assertThat(server.get("/api/articles?offset=10000001", null).status()).isEqualTo(422);
    var capped = server.get("/api/articles?limit=99999999999", null);
    assertThat(capped.status()).isEqualTo(200);
    assertThat(capped.json().get("articles").size()).isLessThanOrEqualTo(100);
  }

  @Test
  void bad_or_malformed_tokens_are_401_invalid() {
    var r = server.get("/api/user", "not.a.jwt");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/errors/token/0").asText()).isEqualTo("is invalid");
    var noScheme =
        server.send("GET", "/api/user", null, null, Map.of("Authorization", "Basic abc"));
    assertThat(noScheme.status()).isEqualTo(401);
  }

  @Test
  void unicode_survives_every_text_field() {
    String name = "ünï_😀_" + TestServer.uid();
    String t = server.register(name);
    var upd =
        server.put(
            "/api/user",
            "{\"user\":{\"bio\":\"日本語 bio — ok 🚀\",\"image\":\"https://例え.jp/ñ.png\"}}",
            t);
    assertThat(upd.status()).isEqualTo(200);
    assertThat(upd.json().at("/user/bio").asText()).isEqualTo("日本語 bio — ok 🚀");
    var a =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"Ünïcödé 標題 🐉\",\"description\":\"описание\",\"body\":\"# 本文\\n\\n😀\",\"tagList\":[\"ταγ\",\"標籤\"]}}",
            t);
    assertThat(a.status()).isEqualTo(201);
    String s = a.json().at("/article/slug").asText();
    assertThat(s).isEqualTo("ünïcödé-標題");
    var got =
        server.get(
            "/api/articles/"
                + java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8),
            null);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json().at("/article/body").asText()).isEqualTo("# 本文\n\n😀");
    assertThat(got.json().at("/article/tagList").toString()).contains("ταγ", "標籤");
    var profile =
        server.get(
            "/api/profiles/"
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8),
            null);
    assertThat(profile.status()).isEqualTo(200);
  }

  @Test
  void nul_characters_are_rejected_not_500() {
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"a\\u0000b\",\"description\":\"d\",\"body\":\"b\"}}",
            token);
    assertThat(r.status()).isEqualTo(422);
  }

  @Test
  void unknown_routes_are_404_json() {
    var r = server.get("/api/nope", null);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().has("errors")).isTrue();
  }

  @Test
  void failed_update_leaves_the_article_unchanged() {
    String before = server.get("/api/articles/" + slug, null).body();
    var r =
        server.put(
            "/api/articles/" + slug, "{\"article\":{\"title\":\"\",\"body\":\"changed\"}}", token);
    assertThat(r.status()).isEqualTo(422);
    assertThat(server.get("/api/articles/" + slug, null).body()).isEqualTo(before);
  }
}
