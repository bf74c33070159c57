package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No N+1: the statements a request sends to PostgreSQL do not grow with the page size. Each list
 * page is built with per-viewer flags (favorited, following) and tags, the expensive case.
 */
class StatementCountTest {
  static final TestServer server = TestServer.get();
  static String reader;
  static String author;
  static String tag;

  @BeforeAll
  static void hundredArticlesByAFollowedAuthor() {
    String u = TestServer.uid();
    author = "sc_author_" + u;
    tag = "sc_tag_" + u;
    String authorToken = server.register(author);
    reader = server.register("sc_reader_" + u);
    for (int i = 0; i < 100; i++) {
      String slug = server.article(authorToken, "Counted " + u + " " + i, tag, "other_" + (i % 7));
      if (i % 3 == 0) {
        assertThat(server.post("/api/articles/" + slug + "/favorite", null, reader).status()).isEqualTo(200);
      }
    }
    assertThat(server.post("/api/profiles/" + author + "/follow", null, reader).status()).isEqualTo(200);
  }

  private long statementsFor(String path) {
    long before = server.statements();
    var r = server.get(path, reader);
    assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(200);
    return server.statements() - before;
  }

  @Test
  void list_of_100_articles_costs_same_statements_as_20() {
    long twenty = statementsFor("/api/articles?limit=20");
    long hundred = statementsFor("/api/articles?limit=100");
    assertThat(hundred).isEqualTo(twenty).isLessThanOrEqualTo(2);
  }

  @Test
  void author_and_tag_filters_cost_a_constant_number_of_statements() {
    assertThat(statementsFor("/api/articles?author=" + author + "&limit=100"))
        .isEqualTo(statementsFor("/api/articles?author=" + author + "&limit=5")).isLessThanOrEqualTo(2);
    assertThat(statementsFor("/api/articles?tag=" + tag + "&limit=100"))
        .isEqualTo(statementsFor("/api/articles?tag=" + tag + "&limit=5")).isLessThanOrEqualTo(2);
  }

  @Test
  void feed_of_100_costs_same_statements_as_20() {
    long twenty = statementsFor("/api/articles/feed?limit=20");
    long hundred = statementsFor("/api/articles/feed?limit=100");
    assertThat(hundred).isEqualTo(twenty).isLessThanOrEqualTo(2);
  }

  @Test
  void single_article_costs_one_statement() {
    var list = server.get("/api/articles?author=" + author + "&limit=1", reader).json();
    String slug = list.at("/articles/0/slug").asText();
    assertThat(statementsFor("/api/articles/" + slug)).isEqualTo(1);
  }

  @Test
  void a_full_page_carries_flags_tags_and_the_total() {
    var page = server.get("/api/articles?author=" + author + "&limit=100", reader).json();
    assertThat(page.get("articlesCount").asLong()).isEqualTo(100);
    assertThat(page.get("articles")).hasSize(100);
    long favorited = 0;
    for (var a : page.get("articles")) {
      assertThat(a.at("/author/following").asBoolean()).isTrue();
      assertThat(a.get("tagList")).hasSize(2);
      assertThat(a.has("body")).isFalse();
      favorited += a.get("favorited").asBoolean() ? 1 : 0;
    }
    assertThat(favorited).isEqualTo(34);
  }
}
