package io.hotpath.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.bench.naive.NaiveProfile;
import io.hotpath.db.EmbeddedPostgresServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's naive profile must do the same work as the optimized one, only worse: for every
 * read it covers, and every combination of its switches, it answers exactly the JSON the optimized
 * server answers on the same database. And it really is naive: N+1 costs statements per article.
 */
class NaiveProfileTest {
  static EmbeddedPostgresServer pg;
  static Hotpath optimized;
  static TestServer fast;
  static String token;
  static String author;
  static String slug;

  @BeforeAll
  static void start() throws Exception {
    pg =
        EmbeddedPostgresServer.start(
            io.hotpath.TestServer.tempDir("hotpath-naive").resolve("pg"), false);
    optimized = Hotpath.start(TestServer.config(env(Map.of())));
    fast = new TestServer(optimized);
    author = "naive" + TestServer.uid();
    String reader = "reader" + TestServer.uid();
    token = fast.register(reader);
    String authorToken = fast.register(author);
    assertThat(fast.post("/api/profiles/" + author + "/follow", null, token).status())
        .isEqualTo(200);
    for (int i = 0; i < 12; i++) {
      slug =
          fast.article(authorToken, "Naive " + i + " " + TestServer.uid(), "t" + (i % 3), "naive");
    }
    assertThat(fast.post("/api/articles/" + slug + "/favorite", null, token).status())
        .isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      fast.post(
          "/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"c" + i + "\"}}", token);
    }
  }

  static Map<String, String> env(Map<String, String> extra) {
    var env = new java.util.HashMap<String, String>();
    env.put("DATABASE_URL", pg.url());
    env.put("JWT_SECRET", "n".repeat(40));
    env.put("CACHE", "off");
    env.putAll(extra);
    return env;
  }

  @AfterAll
  static void stop() {
    optimized.close();
    pg.close();
  }

  @Test
  void every_switch_combination_answers_what_the_optimized_server_answers() {
    String[] paths = {
      "/api/articles?limit=5",
      "/api/articles?tag=naive&limit=4&offset=2",
      "/api/articles?author=" + author,
      "/api/articles/feed?limit=7",
      "/api/articles/" + slug,
      "/api/articles/" + slug + "/comments",
      "/api/profiles/" + author,
      "/api/tags"
    };
    for (String batch : new String[] {"off", "on"}) {
      for (String parallel : new String[] {"off", "on"}) {
        for (String pool : new String[] {"off", "on"}) {
          try (var naive =
              naive(
                  Map.of(
                      "NAIVE", "on",
                      "NAIVE_BATCH", batch,
                      "NAIVE_PARALLEL", parallel,
                      "DB_POOL", pool))) {
            var slow = new TestServer(naive);
            for (String path : paths) {
              for (String t : new String[] {null, token}) {
                if (path.contains("feed") && t == null) {
                  continue;
                }
                var expected = fast.get(path, t);
                var actual = slow.get(path, t);
                assertThat(actual.status()).as(path).isEqualTo(expected.status());
                assertThat(actual.json())
                    .as("%s (batch %s, parallel %s, pool %s)", path, batch, parallel, pool)
                    .isEqualTo(expected.json());
              }
            }
          }
        }
      }
    }
  }

  @Test
  void n_plus_one_costs_statements_per_article_and_batching_does_not() {
    try (var nPlusOne = naive(Map.of("NAIVE", "on"));
        var batched = naive(Map.of("NAIVE", "on", "NAIVE_BATCH", "on"))) {
      long n10 = statements(nPlusOne, "/api/articles?limit=10");
      long n5 = statements(nPlusOne, "/api/articles?limit=5");
      long b10 = statements(batched, "/api/articles?limit=10");
      long b5 = statements(batched, "/api/articles?limit=5");
      assertThat(n10 - n5)
          .as("N+1: extra statements for 5 more articles")
          .isGreaterThanOrEqualTo(15);
      assertThat(b10).as("batched: same statements for 10 as for 5").isEqualTo(b5);
    }
  }

  /** The product with the naive profile these switches ask for, on the shared database. */
  static Hotpath naive(Map<String, String> switches) {
    return Hotpath.start(
        TestServer.config(env(Map.of())),
        new NaiveProfile(NaiveProfile.Switches.fromEnv(switches)));
  }

  /** Statements {@code path} costs, the token's own check (cached after one request) excluded. */
  private static long statements(Hotpath app, String path) {
    var s = new TestServer(app);
    assertThat(s.get("/api/user", token).status()).isEqualTo(200);
    long before = app.db().statementsExecuted();
    assertThat(s.get(path, token).status()).isEqualTo(200);
    return app.db().statementsExecuted() - before;
  }
}
