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

  @Test
  void the_notification_a_favorite_queues_is_stored_in_one_statement_without_a_transaction()
      throws Exception {
    String u = TestServer.uid();
    String owner = "rt_owner_" + u;
    String ownerToken = server.register(owner);
    String ownSlug = server.article(ownerToken, "Notified once " + u, tag);
    assertThat(server.get("/api/articles/" + ownSlug, fanToken).status()).isEqualTo(200);
    long begun = begunInPostgres();
    assertThat(server.post("/api/articles/" + ownSlug + "/favorite", null, fanToken).status())
        .isEqualTo(200);
    AsyncFeaturesTest.eventually(
        "the owner's notification",
        () -> server.get("/api/notifications", ownerToken).json().get("unreadCount").asLong() == 1);
    // the job stored the notification and fanned out to the owner's webhooks (none) in one
    // statement: a transaction would hold its connection for four round trips under load
    assertThat(begunInPostgres() - begun).isZero();
  }

  /**
   * BEGINs PostgreSQL has seen (pg_stat_statements, preloaded by the embedded server): the job runs
   * on the background side of the pool, whose statements {@link io.hotpath.db.Db} counts apart.
   */
  static long begunInPostgres() {
    app.db()
        .query(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", io.vertx.sqlclient.Tuple.tuple())
        .await();
    return app.db()
        .query(
            "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements"
                + " WHERE query ILIKE 'BEGIN%'",
            io.vertx.sqlclient.Tuple.tuple())
        .await()
        .iterator()
        .next()
        .getLong("n");
  }
}
