package io.hotpath.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.cluster.ClusterLoad.Op;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The sharded fault suite: runs against {@code scripts/cluster.sh up --shards 2} (the primary is
 * the directory, two Debian PostgreSQL shards behind it, three instances behind the balancer) and
 * breaks or grows the shards under load, through the same script (docs/sharding.md).
 *
 * <p>Tagged "cluster-sharded": {@code ./hotpath cluster-test --shards 2} brings the cluster up,
 * runs it and tears it down.
 */
@Tag("cluster-sharded")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardedClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE =
      System.getenv().getOrDefault("CLUSTER_URL", "http://127.0.0.1:18090");
  private static final String PG =
      System.getenv().getOrDefault("CLUSTER_PG", "jdbc:postgresql://127.0.0.1:25432/hotpath");
  private static final String LB = System.getenv().getOrDefault("CLUSTER_LB", "nginx");
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static final List<String> slugs = new CopyOnWriteArrayList<>();
  private static String token;
  private static String run;

  @BeforeAll
  static void seed() throws Exception {
    run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    token = register("shard" + run);
    for (int a = 0; a < 24; a++) {
      var r = create("Seed " + run + " " + a);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      slugs.add(JSON.readTree(r.body()).at("/article/slug").asText());
    }
  }

  @Test
  @Order(1)
  void one_shard_stopped_under_load_answers_only_successes_or_503_and_recovers() {
    var load = new ClusterLoad(HTTP, BASE, 8, mix());
    ClusterLoad.sleep(1500);
    long stoppedAt = System.nanoTime();
    Cluster.run("stop-shard", "2");
    ClusterLoad.sleep(3000);
    Cluster.run("start-shard", "2");
    long startedAt = System.nanoTime();
    ClusterLoad.sleep(3000);
    var stats = load.stop();
    var outcomes = load.outcomes();
    var during =
        outcomes.stream()
            .filter(o -> o.startedNanos() > stoppedAt && o.startedNanos() < startedAt)
            .toList();
    var unexpected =
        outcomes.stream()
            .filter(o -> !(o.status() >= 200 && o.status() < 300) && o.status() != 503)
            .map(o -> o.op().method() + " " + o.op().path() + " -> " + o.status())
            .toList();
    // after the restart: a second for the instances' connections to the shard to be re-made
    var after =
        outcomes.stream()
            .filter(o -> o.startedNanos() > startedAt + 1_000_000_000L)
            .filter(ClusterLoad.Outcome::failed)
            .map(o -> o.op().method() + " " + o.op().path() + " -> " + o.status())
            .toList();
    long ok = during.stream().filter(o -> o.status() >= 200 && o.status() < 300).count();
    long refused = during.stream().filter(o -> o.status() == 503).count();
    report(
        "shard 2 of 2 stopped for 3 s under load",
        stats + " while stopped: " + ok + " answered, " + refused + " refused with 503");
    assertThat(unexpected).as("answers other than success or 503").isEmpty();
    assertThat(ok).as("requests served while a shard was stopped").isPositive();
    assertThat(refused).as("requests that needed the stopped shard").isPositive();
    assertThat(after).as("failures once the shard is back").isEmpty();
  }

  @Test
  @Order(2)
  void a_shard_added_under_load_loses_no_acknowledged_write() throws Exception {
    var created = new ConcurrentLinkedQueue<String>();
    var failures = new ConcurrentLinkedQueue<String>();
    var moving = new AtomicBoolean();
    var during = new AtomicInteger();
    var done = new AtomicBoolean();
    var threads = new ArrayList<Thread>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int n = 0; !done.get(); n++) {
                      var r = create("Grow " + run + " " + writer + " " + n);
                      if (r.statusCode() != 201) {
                        failures.add("create " + r.statusCode() + " " + r.body());
                        continue;
                      }
                      String slug = slugOf(r.body());
                      created.add(slug);
                      if (moving.get()) {
                        during.incrementAndGet();
                      }
                      var c =
                          send(
                              "POST",
                              "/api/articles/" + slug + "/comments",
                              "{\"comment\":{\"body\":\"c\"}}");
                      if (c.statusCode() != 201) {
                        failures.add("comment " + c.statusCode() + " " + c.body());
                      }
                    }
                  }));
    }
    ClusterLoad.sleep(1000);
    moving.set(true);
    long t0 = System.nanoTime();
    String out = Cluster.run("add-shard");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    moving.set(false);
    ClusterLoad.sleep(1000);
    done.set(true);
    for (var t : threads) {
      t.join(30_000);
    }
    var onShards = new HashMap<String, Integer>();
    int[] perShard = new int[3];
    for (int i = 1; i <= 3; i++) {
      var rows = articlesOn(i);
      perShard[i - 1] = rows.values().stream().mapToInt(Integer::intValue).sum();
      rows.forEach((k, v) -> onShards.merge(k, v, Integer::sum));
    }
    report(
        "shard 3 added under load (creations + comments)",
        created.size()
            + " articles acknowledged ("
            + during.get()
            + " during the move of "
            + ms
            + " ms), "
            + failures.size()
            + " failed; rows per shard "
            + java.util.Arrays.toString(perShard)
            + "; "
            + String.join("; ", out.strip().lines().filter(l -> l.contains("moved")).toList()));
    assertThat(failures).as("failed writes").isEmpty();
    assertThat(during.get()).as("writes acknowledged while the shard was added").isPositive();
    assertThat(perShard[2]).as("rows on the added shard").isPositive();
    for (String slug : created) {
      assertThat(onShards.get(slug)).as(slug).isEqualTo(1);
    }
    assertThat(onShards.values()).allMatch(n -> n == 1);
    for (String slug : List.copyOf(created).subList(0, Math.min(50, created.size()))) {
      assertThat(send("GET", "/api/articles/" + slug, null).statusCode()).isEqualTo(200);
    }
  }

  /** slug → rows, over every articles partition on shard i (1-based, as cluster.sh numbers). */
  private static Map<String, Integer> articlesOn(int i) throws Exception {
    var out = new HashMap<String, Integer>();
    int primary = URI.create(PG.substring("jdbc:".length())).getPort();
    String url = "jdbc:postgresql://127.0.0.1:" + (primary + 10 + i) + "/hotpath";
    try (var c = DriverManager.getConnection(url, "postgres", null)) {
      var tables = new ArrayList<String>();
      try (var rs =
          c.createStatement()
              .executeQuery(
                  "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                      + " AND tablename ~ '^articles_p[0-9]+$'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (var rs = c.createStatement().executeQuery("SELECT slug FROM " + t)) {
          while (rs.next()) {
            out.merge(rs.getString(1), 1, Integer::sum);
          }
        }
      }
    }
    return out;
  }

  private static Supplier<Op> mix() {
    return () -> {
      int r = ThreadLocalRandom.current().nextInt(100);
      String slug = ClusterLoad.pick(slugs);
      if (r < 10) {
        return new Op(
            "POST",
            "/api/articles/" + slug + "/comments",
            "{\"comment\":{\"body\":\"under fault\"}}",
            token);
      }
      if (r < 15) {
        return new Op(
            "POST",
            "/api/articles",
            "{\"article\":{\"title\":\"Fault "
                + run
                + " "
                + System.nanoTime()
                + "\",\"description\":\"d\",\"body\":\"b\"}}",
            token);
      }
      if (r < 35) {
        return new Op("GET", "/api/articles?limit=10", null, null);
      }
      if (r < 65) {
        return new Op("GET", "/api/articles/" + slug, null, null);
      }
      if (r < 90) {
        return new Op("GET", "/api/articles/" + slug + "/comments", null, null);
      }
      return new Op("GET", "/api/tags", null, null);
    };
  }

  private static String slugOf(String body) {
    try {
      return JSON.readTree(body).at("/article/slug").asText();
    } catch (IOException e) {
      throw new AssertionError(body, e);
    }
  }

  private static HttpResponse<String> create(String title) {
    return send(
        "POST",
        "/api/articles",
        "{\"article\":{\"title\":\"" + title + "\",\"description\":\"d\",\"body\":\"b\"}}");
  }

  private static String register(String name) throws IOException {
    var r =
        send(
            "POST",
            "/api/users",
            "{\"user\":{\"username\":\""
                + name
                + "\",\"email\":\""
                + name
                + "@example.com\",\"password\":\"correct horse battery\"}}");
    assertThat(r.statusCode()).as("register: " + r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).at("/user/token").asText();
  }

  private static HttpResponse<String> send(String method, String path, String body) {
    try {
      return HTTP.send(
          ClusterLoad.request(BASE, new Op(method, path, body, token)),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + path, e);
    }
  }

  private static void report(String what, Object figures) {
    Cluster.report("FAULT [" + LB + ", 2 shards] " + what + ": " + figures);
  }
}
