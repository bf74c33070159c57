package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Article writes: slugs, tags, counters and ownership. */
class ArticleWritesTest {
  static final TestServer server = TestServer.get();

  @Test
  void repeated_titles_get_distinct_slugs_and_a_retitle_moves_the_slug() {
    String u = TestServer.uid();
    String t = server.register("aw_" + u);
    String a = server.article(t, "Same Title " + u);
    String b = server.article(t, "Same Title " + u);
    assertThat(a).isNotEqualTo(b);
    var moved =
        server.put("/api/articles/" + a, "{\"article\":{\"title\":\"Other Title " + u + "\"}}", t);
    assertThat(moved.status()).isEqualTo(200);
    String newSlug = moved.json().at("/article/slug").asText();
    assertThat(newSlug).isEqualTo("other-title-" + u);
    assertThat(server.get("/api/articles/" + a, null).status()).isEqualTo(404);
    assertThat(server.get("/api/articles/" + newSlug, null).status()).isEqualTo(200);
  }

  @Test
  void counts_follow_creates_deletes_and_favorites() {
    String u = TestServer.uid();
    String author = "cnt_" + u;
    String t = server.register(author);
    String tag = "cnt_tag_" + u;
    String s1 = server.article(t, "C1 " + u, tag);
    server.article(t, "C2 " + u, tag);
    assertThat(
            server.get("/api/articles?author=" + author, null).json().get("articlesCount").asLong())
        .isEqualTo(2);
    assertThat(server.get("/api/articles?tag=" + tag, null).json().get("articlesCount").asLong())
        .isEqualTo(2);
    long globalBefore = server.get("/api/articles", null).json().get("articlesCount").asLong();
    assertThat(server.delete("/api/articles/" + s1, t).status()).isEqualTo(204);
    assertThat(
            server.get("/api/articles?author=" + author, null).json().get("articlesCount").asLong())
        .isEqualTo(1);
    assertThat(server.get("/api/articles?tag=" + tag, null).json().get("articlesCount").asLong())
        .isEqualTo(1);
    assertThat(server.get("/api/articles", null).json().get("articlesCount").asLong())
        .isEqualTo(globalBefore - 1);
  }

  @Test
  void favoriting_twice_counts_once() {
    String u = TestServer.uid();
    String t = server.register("fav2_" + u);
    String s = server.article(t, "Fav " + u);
    server.post("/api/articles/" + s + "/favorite", null, t);
    var twice = server.post("/api/articles/" + s + "/favorite", null, t);
    assertThat(twice.json().at("/article/favoritesCount").asInt()).isEqualTo(1);
    assertThat(
            server
                .get("/api/articles?favorited=fav2_" + u, null)
                .json()
                .get("articlesCount")
                .asLong())
        .isEqualTo(1);
    var un = server.delete("/api/articles/" + s + "/favorite", t);
    assertThat(un.json().at("/article/favoritesCount").asInt()).isZero();
    assertThat(
            server
                .delete("/api/articles/" + s + "/favorite", t)
                .json()
                .at("/article/favoritesCount")
                .asInt())
        .isZero();
  }

  @Test
  void tags_are_trimmed_deduplicated_and_sorted_and_a_new_tag_is_listed_at_once() {
    String u = TestServer.uid();
    String t = server.register("tg_" + u);
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"T "
                + u
                + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\" zz"
                + u
                + " \",\"aa"
                + u
                + "\",\"zz"
                + u
                + "\",\"  \"]}}",
            t);
    assertThat(r.json().at("/article/tagList").toString())
        .isEqualTo("[\"aa" + u + "\",\"zz" + u + "\"]");
    assertThat(server.get("/api/tags", null).body()).contains("aa" + u, "zz" + u);
  }

  @Test
  void combined_filters_intersect() {
    String u = TestServer.uid();
    String a = "cf_" + u;
    String t = server.register(a);
    String other = server.register("cfo_" + u);
    server.article(t, "Both " + u, "cf" + u);
    server.article(t, "Author only " + u);
    server.article(other, "Tag only " + u, "cf" + u);
    var both = server.get("/api/articles?author=" + a + "&tag=cf" + u, null).json();
    assertThat(both.get("articlesCount").asLong()).isEqualTo(1);
    assertThat(both.at("/articles/0/title").asText()).isEqualTo("Both " + u);
  }

  @Test
  void following_yourself_is_422() {
    String u = "self_" + TestServer.uid();
    String t = server.register(u);
    assertThat(server.post("/api/profiles/" + u + "/follow", null, t).status()).isEqualTo(422);
  }

  @Test
  void email_is_unique_regardless_of_case_and_login_ignores_case() {
    String u = "case_" + TestServer.uid();
    server.register(u);
    var dup =
        server.post(
            "/api/users",
            "{\"user\":{\"username\":\""
                + u
                + "x\",\"email\":\""
                + u.toUpperCase()
                + "@EXAMPLE.com\",\"password\":\"password123\"}}",
            null);
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.json().at("/errors/email/0").asText()).isEqualTo("has already been taken");
    var login =
        server.post(
            "/api/users/login",
            "{\"user\":{\"email\":\""
                + u.toUpperCase()
                + "@example.com\",\"password\":\"password123\"}}",
            null);
    assertThat(login.status()).isEqualTo(200);
  }

  @Test
  void unknown_email_and_wrong_password_get_the_same_401() {
    var r =
        server.post(
            "/api/users/login",
            "{\"user\":{\"email\":\"nobody-"
                + TestServer.uid()
                + "@x.io\",\"password\":\"password123\"}}",
            null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/errors/credentials/0").asText()).isEqualTo("invalid");
  }
}
