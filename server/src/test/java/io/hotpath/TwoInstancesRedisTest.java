package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.db.EmbeddedPostgresServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Two Hotpath instances sharing one PostgreSQL and one real Redis (an embedded redis-server binary,
 * or REDIS_URL): invalidation across instances, stampede control, and Redis outages.
 */
class TwoInstancesRedisTest {
  static EmbeddedPostgresServer pg;
  static RedisServer redis;
  static int redisPort;
  static Hotpath a;
  static Hotpath b;
  static TestServer sa;
  static TestServer sb;

  @BeforeAll
  static void start() throws Exception {
    pg =
        EmbeddedPostgresServer.start(
            io.hotpath.TestServer.tempDir("hotpath-2i").resolve("pg"), false);
    try (var s = new ServerSocket(0)) {
      redisPort = s.getLocalPort();
    }
    redis = new RedisServer(redisPort);
    redis.start();
    // rate limits on, so every request also passes the Redis-backed (asynchronous) buckets
    var env =
        Map.of(
            "DATABASE_URL",
            pg.url(),
            "REDIS_URL",
            "redis://127.0.0.1:" + redisPort,
            "JWT_SECRET",
            "s".repeat(40),
            "REDIS_TIMEOUT_MS",
            "1000",
            "RATE_LIMIT",
            "on",
            "RATE_LIMIT_PER_SECOND",
            "100000",
            "RATE_LIMIT_AUTH_PER_MINUTE",
            "100000");
    a = Hotpath.start(TestServer.config(env));
    b = Hotpath.start(TestServer.config(env));
    sa = new TestServer(a);
    sb = new TestServer(b);
  }

  @AfterAll
  static void stop() throws Exception {
    a.close();
    b.close();
    redis.stop();
    pg.close();
  }

  @Test
  void a_write_on_one_instance_is_seen_by_the_other_at_once() {
    String u = "two_" + TestServer.uid();
    String t = sa.register(u);
    String slug = sa.article(t, "Shared " + u, "shared" + u);
    // warm B's L1 and Redis
    assertThat(sb.get("/api/articles/" + slug, null).json().at("/article/body").asText())
        .isEqualTo("b");
    assertThat(sb.get("/api/profiles/" + u, null).json().at("/profile/bio").isNull()).isTrue();

    sa.put("/api/articles/" + slug, "{\"article\":{\"body\":\"updated on A\"}}", t);
    assertThat(sb.get("/api/articles/" + slug, null).json().at("/article/body").asText())
        .isEqualTo("updated on A");

    sa.put("/api/user", "{\"user\":{\"bio\":\"new bio\"}}", t);
    assertThat(sb.get("/api/profiles/" + u, null).json().at("/profile/bio").asText())
        .isEqualTo("new bio");
    assertThat(sb.get("/api/articles/" + slug, null).json().at("/article/author/bio").asText())
        .isEqualTo("new bio");

    String reader = sb.register("rdr_" + TestServer.uid());
    assertThat(sa.get("/api/articles/" + slug, reader).json().at("/article/favorited").asBoolean())
        .isFalse();
    sb.post("/api/articles/" + slug + "/favorite", null, reader);
    var seenOnA = sa.get("/api/articles/" + slug, reader).json();
    assertThat(seenOnA.at("/article/favorited").asBoolean()).isTrue();
    assertThat(seenOnA.at("/article/favoritesCount").asInt()).isEqualTo(1);

    assertThat(
            sa.get("/api/articles/" + slug, reader)
                .json()
                .at("/article/author/following")
                .asBoolean())
        .isFalse();
    sb.post("/api/profiles/" + u + "/follow", null, reader);
    assertThat(
            sa.get("/api/articles/" + slug, reader)
                .json()
                .at("/article/author/following")
                .asBoolean())
        .isTrue();

    String renamed = u + "_r";
    sa.put("/api/user", "{\"user\":{\"username\":\"" + renamed + "\"}}", t);
    assertThat(sb.get("/api/articles/" + slug, null).json().at("/article/author/username").asText())
        .isEqualTo(renamed);
    assertThat(sb.get("/api/profiles/" + u, null).status()).isEqualTo(404);
    assertThat(sb.get("/api/profiles/" + renamed, null).status()).isEqualTo(200);

    assertThat(sb.get("/api/tags", null).body()).contains("shared" + u);
    sa.put("/api/articles/" + slug, "{\"article\":{\"tagList\":[\"moved" + u + "\"]}}", t);
    assertThat(sb.get("/api/tags", null).body()).contains("moved" + u).doesNotContain("shared" + u);

    assertThat(sa.delete("/api/articles/" + slug, t).status()).isEqualTo(204);
    assertThat(sb.get("/api/articles/" + slug, null).status()).isEqualTo(404);
  }

  @Test
  void a_slug_looked_up_before_it_exists_is_found_once_created() {
    String u = "neg_" + TestServer.uid();
    String t = sa.register(u);
    String expected = "early-" + u.replace("_", "-");
    assertThat(sb.get("/api/articles/" + expected, null).status())
        .isEqualTo(404); // cached as not found
    assertThat(sa.article(t, "Early " + u)).isEqualTo(expected);
    assertThat(sb.get("/api/articles/" + expected, null).status()).isEqualTo(200);
  }

  /** The slugs of a list page as {@code s} serves it to {@code token}. */
  static java.util.List<String> slugs(TestServer s, String path, String token) {
    var out = new java.util.ArrayList<String>();
    s.get(path, token).json().at("/articles").forEach(a -> out.add(a.get("slug").asText()));
    return out;
  }

  @Test
  void list_pages_cached_on_one_instance_follow_writes_made_on_the_other() {
    String u = "lists_" + TestServer.uid();
    String t = sa.register(u);
    String reader = sa.register("lr_" + TestServer.uid());
    String readerName = sa.get("/api/user", reader).json().at("/user/username").asText();
    String tag = "lt" + TestServer.uid();
    String first = sa.article(t, "First " + u, tag);
    var paths =
        java.util.List.of(
            "/api/articles?limit=5",
            "/api/articles?tag=" + tag,
            "/api/articles?author=" + u,
            "/api/articles?tag=" + tag + "&author=" + u,
            "/api/articles?favorited=" + readerName);
    // B caches every page (twice: the second read is the cached one)
    for (String p : paths) {
      slugs(sb, p, null);
      slugs(sb, p, null);
    }
    // a new article on A: in B's global, tag, author and combined pages at once
    String second = sa.article(t, "Second " + u, tag);
    for (String p : paths.subList(0, 4)) {
      assertThat(slugs(sb, p, null)).as(p).contains(second);
    }
    assertThat(sb.get("/api/articles?author=" + u, null).json().get("articlesCount").asLong())
        .isEqualTo(2);
    // a favorite on A: in B's favorited= page
    sa.post("/api/articles/" + first + "/favorite", null, reader);
    assertThat(slugs(sb, paths.get(4), null)).containsExactly(first);
    // a retag on A: out of B's old tag page, into the new one
    String other = "lo" + TestServer.uid();
    slugs(sb, "/api/articles?tag=" + other, null);
    sa.put("/api/articles/" + first, "{\"article\":{\"tagList\":[\"" + other + "\"]}}", t);
    assertThat(slugs(sb, "/api/articles?tag=" + tag, null)).doesNotContain(first);
    assertThat(slugs(sb, "/api/articles?tag=" + other, null)).containsExactly(first);
    // a delete on A: gone from every page on B, the favoriter's included
    assertThat(sa.delete("/api/articles/" + first, t).status()).isEqualTo(204);
    assertThat(slugs(sb, "/api/articles?tag=" + other, null)).isEmpty();
    assertThat(slugs(sb, paths.get(4), null)).isEmpty();
    assertThat(sb.get(paths.get(4), null).json().get("articlesCount").asLong()).isZero();
    assertThat(slugs(sb, "/api/articles?author=" + u, null)).containsExactly(second);
  }

  /** The comment bodies of an article as {@code s} serves them anonymously. */
  static java.util.List<String> comments(TestServer s, String slug) {
    var out = new java.util.ArrayList<String>();
    s.get("/api/articles/" + slug + "/comments", null)
        .json()
        .at("/comments")
        .forEach(c -> out.add(c.get("body").asText()));
    return out;
  }

  @Test
  void comment_lists_cached_on_one_instance_follow_comments_added_and_deleted_on_the_other() {
    String u = "comments_" + TestServer.uid();
    String t = sa.register(u);
    String slug = sa.article(t, "Commented " + u, "ct");
    comments(sb, slug);
    assertThat(comments(sb, slug)).isEmpty(); // cached on B, empty
    var added =
        sa.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"one\"}}", t);
    assertThat(comments(sb, slug)).containsExactly("one");
    long id = added.json().at("/comment/id").asLong();
    assertThat(sa.delete("/api/articles/" + slug + "/comments/" + id, t).status()).isEqualTo(204);
    assertThat(comments(sb, slug)).isEmpty();
    // an author's new bio shows in the comments B has cached
    sa.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"two\"}}", t);
    assertThat(
            sb.get("/api/articles/" + slug + "/comments", null)
                .json()
                .at("/comments/0/author/bio")
                .asText())
        .isNotEqualTo("new bio");
    sa.put("/api/user", "{\"user\":{\"bio\":\"new bio\"}}", t);
    assertThat(
            sb.get("/api/articles/" + slug + "/comments", null)
                .json()
                .at("/comments/0/author/bio")
                .asText())
        .isEqualTo("new bio");
  }

  @Test
  void hundreds_of_concurrent_misses_of_one_key_cause_one_load_per_instance_and_one_overall()
      throws Exception {
    String u = "stamp_" + TestServer.uid();
    String t = sa.register(u);
    String slug1 = sa.article(t, "Stampede one " + u);
    String slug2 = sa.article(t, "Stampede two " + u);

    // one instance: 300 concurrent requests for a key that is in no cache
    long before = a.caches().loads("article");
    assertThat(concurrentGets(List.of(sa), slug1, 300)).allMatch(s -> s == 200);
    assertThat(a.caches().loads("article") - before).isEqualTo(1);

    // two instances: 150 each for another cold key. One load overall is the claim whenever Redis
    // answers in time; on a starved machine a Redis timeout makes an instance load on its own,
    // which is counted (hotpath.cache.loads.unguarded) and is the only excuse accepted here
    long beforeA = a.caches().loads("article");
    long beforeB = b.caches().loads("article");
    long unguardedBefore =
        a.caches().unguardedLoads("article") + b.caches().unguardedLoads("article");
    assertThat(concurrentGets(List.of(sa, sb), slug2, 300)).allMatch(s -> s == 200);
    long loads = (a.caches().loads("article") - beforeA) + (b.caches().loads("article") - beforeB);
    long unguarded =
        a.caches().unguardedLoads("article")
            + b.caches().unguardedLoads("article")
            - unguardedBefore;
    assertThat(loads).as("loads (of which %d unguarded)", unguarded).isEqualTo(1 + unguarded);
    assertThat(unguarded).as("loads that Redis could not guard").isLessThanOrEqualTo(1);
  }

  @Test
  void with_redis_stopped_requests_keep_succeeding_and_hits_return_when_it_is_back()
      throws Exception {
    String u = "down_" + TestServer.uid();
    String t = sa.register(u);
    String slug = sa.article(t, "Outage " + u);
    sb.get("/api/articles/" + slug, null);
    redis.stop();
    try {
      for (int i = 0; i < 30; i++) {
        assertThat(sb.get("/api/articles/" + slug, null).status()).isEqualTo(200);
        assertThat(sa.get("/api/articles?limit=5", t).status()).isEqualTo(200);
      }
      // and the instances stay in their load balancers' rotation: a shared cache being down is
      // not a reason to take every instance out (active checks would, all at once)
      for (var s : List.of(sa, sb)) {
        var ready = s.get("/health/ready", null);
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"name\":\"redis\",\"status\":\"warn\"");
      }
      // writes during the outage still succeed, and are visible on the writer
      assertThat(
              sa.put("/api/articles/" + slug, "{\"article\":{\"body\":\"during outage\"}}", t)
                  .status())
          .isEqualTo(200);
      assertThat(sa.get("/api/articles/" + slug, null).json().at("/article/body").asText())
          .isEqualTo("during outage");
    } finally {
      redis = new RedisServer(redisPort);
      redis.start();
    }
    // the breaker probes again after about a second; then hits come from Redis again
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!(a.caches().redis().available() && b.caches().redis().available())
        && System.nanoTime() < deadline) {
      sa.get("/api/articles/" + slug, null);
      sb.get("/api/articles/" + slug, null);
      Thread.sleep(100);
    }
    assertThat(a.caches().redis().available()).isTrue();
    assertThat(b.caches().redis().available()).isTrue();
    // B never saw the outage write's invalidation; after recovery it must not serve the old body
    assertThat(sb.get("/api/articles/" + slug, null).json().at("/article/body").asText())
        .isEqualTo("during outage");
    b.caches().clearLocal();
    double hitsBefore = l2Hits(sb);
    sb.get("/api/articles/" + slug, null);
    assertThat(l2Hits(sb)).isGreaterThan(hitsBefore);
  }

  @Test
  void login_limits_per_account_are_shared_by_both_instances() {
    String u = "shared_rl_" + TestServer.uid();
    sa.register(u);
    String wrong =
        "{\"user\":{\"email\":\"" + u + "@example.com\",\"password\":\"wrong-password\"}}";
    var statuses = new ArrayList<Integer>();
    for (int i = 0; i < 12; i++) {
      statuses.add((i % 2 == 0 ? sa : sb).post("/api/users/login", wrong, null).status());
    }
    // 10 per account per minute in all, whichever instance is asked
    assertThat(statuses.subList(0, 10)).containsOnly(401);
    assertThat(statuses.subList(10, 12)).containsOnly(429);
  }

  private static double l2Hits(TestServer s) {
    double sum = 0;
    for (String line : s.get("/metrics", null).body().split("\n")) {
      if (line.startsWith("hotpath_cache_l2_hits_total{cache=\"article\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static List<Integer> concurrentGets(List<TestServer> servers, String slug, int n) {
    var futures = new ArrayList<CompletableFuture<Integer>>();
    for (int i = 0; i < n; i++) {
      var s = servers.get(i % servers.size());
      futures.add(
          s.http
              .sendAsync(
                  HttpRequest.newBuilder(URI.create(s.base + "/api/articles/" + slug)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .thenApply(HttpResponse::statusCode));
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }
}
