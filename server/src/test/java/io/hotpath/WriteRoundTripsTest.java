package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes that notify reach PostgreSQL as one statement: the write, the notification's mark and its
 * job together, no BEGIN and no COMMIT. A transaction of three statements holds its connection for
 * five round trips, each waiting for the one before; on the realistic mix those waits were the
 * writes' latency and most of the pool's busy time (docs/database.md). The notifications themselves
 * (one per window, none to oneself) are AsyncFeaturesTest's.
 */
class WriteRoundTripsTest {
  static Hotpath app;
  static TestServer server;
  static String author;
  static String authorToken;
  static String fanToken;
  static String slug;
  static String tag;

  @BeforeAll
  static void start() {
    app = Hotpath.start(TestServer.config(Map.of()));
    server = new TestServer(app);
    String u = TestServer.uid();
    author = "rt_author_" + u;
    authorToken = server.register(author);
    fanToken = server.register("rt_fan_" + u);
    tag = "rt_" + u;
    slug = server.article(authorToken, "Round trips " + u, tag);
    // warm what the writes read first (the article by slug, the author's profile)
    assertThat(server.get("/api/articles/" + slug, fanToken).status()).isEqualTo(200);
    assertThat(server.get("/api/profiles/" + author, fanToken).status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** Round trips a request spent on statements, BEGINs and COMMITs. */
  record Cost(long statements, long transactions) {
    long roundTrips() {
      return statements + 2 * transactions;
    }
  }

  static Cost costOf(Runnable request) {
    long s0 = app.db().statementsExecuted();
    long t0 = app.db().transactionsBegun();
    request.run();
    return new Cost(app.db().statementsExecuted() - s0, app.db().transactionsBegun() - t0);
  }

  @Test
  void publishing_with_new_and_existing_tags_is_one_statement_without_a_transaction() {
    String u = TestServer.uid();
    var cost =
        costOf(
            () ->
                assertThat(
                        server
                            .post(
                                "/api/articles",
                                """
                                {"article":{"title":"Published %s","description":"d","body":"b",
                                 "tagList":["%s","rt_new_%s"]}}"""
                                    .formatted(u, tag, u),
                                authorToken)
                            .status())
                    .isEqualTo(201));
    // the publish, then the answer's view
    assertThat(cost.transactions()).isZero();
    assertThat(cost.statements()).isEqualTo(2);
    var tags =
        server
            .get("/api/articles?author=" + author + "&limit=1", authorToken)
            .json()
            .at("/articles/0/tagList");
    assertThat(tags.toString()).contains("\"" + tag + "\"").contains("\"rt_new_" + u + "\"");
  }

  @Test
  void a_favorite_that_notifies_is_one_statement_without_a_transaction() {
    var cost =
        costOf(
            () ->
                assertThat(
                        server.post("/api/articles/" + slug + "/favorite", null, fanToken).status())
                    .isEqualTo(200));
    assertThat(cost).isEqualTo(new Cost(1, 0));
  }

  @Test
  void a_comment_that_notifies_is_one_statement_without_a_transaction() {
    var cost =
        costOf(
            () ->
                assertThat(
                        server
                            .post(
                                "/api/articles/" + slug + "/comments",
                                "{\"comment\":{\"body\":\"counted\"}}",
                                fanToken)
                            .status())
                    .isEqualTo(201));
    assertThat(cost).isEqualTo(new Cost(1, 0));
  }

  @Test
  void a_follow_that_notifies_is_one_statement_without_a_transaction() {
    var cost =
        costOf(
            () ->
                assertThat(
                        server.post("/api/profiles/" + author + "/follow", null, fanToken).status())
                    .isEqualTo(200));
    // the profile by name as the follower sees it (not cached: it carries the viewer's flag), then
    // the write
    assertThat(cost).isEqualTo(new Cost(2, 0));
  }
}
