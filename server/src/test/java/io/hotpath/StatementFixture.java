package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

/** One author with 100 articles (a third favorited by the reader), followed by the reader. */
record StatementFixture(TestServer server, String author, String tag, String reader) {

  static StatementFixture seed(TestServer server) {
    String u = TestServer.uid();
    String author = "sc_author_" + u;
    String tag = "sc_tag_" + u;
    String authorToken = server.register(author);
    String reader = server.register("sc_reader_" + u);
    for (int i = 0; i < 100; i++) {
      String slug = server.article(authorToken, "Counted " + u + " " + i, tag, "other_" + (i % 7));
      if (i % 3 == 0) {
        assertThat(server.post("/api/articles/" + slug + "/favorite", null, reader).status())
            .isEqualTo(200);
      }
    }
    assertThat(server.post("/api/profiles/" + author + "/follow", null, reader).status())
        .isEqualTo(200);
    return new StatementFixture(server, author, tag, reader);
  }

  /** Statements sent to PostgreSQL while serving {@code path} to the reader. */
  long statementsFor(String path) {
    long before = server.statements();
    var r = server.get(path, reader);
    assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(200);
    return server.statements() - before;
  }

  /**
   * The same with every L1 entry dropped first (no Redis in these tests), except that the reader's
   * token is checked once before counting: authentication has a cache of its own (token versions),
   * and what these tests count is what the page costs.
   */
  long coldStatementsFor(String path) {
    server.app.caches().clearLocal();
    assertThat(server.get("/api/articles?limit=0", reader).status()).isEqualTo(200);
    return statementsFor(path);
  }

  String firstSlug() {
    return server
        .get("/api/articles?author=" + author + "&limit=1", reader)
        .json()
        .at("/articles/0/slug")
        .asText();
  }

  /** The page has all 100 articles with tags, the reader's flags and the right total. */
  void assertFullPage() {
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
