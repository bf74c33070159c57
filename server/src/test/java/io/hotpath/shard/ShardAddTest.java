package io.hotpath.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.EmbeddedPostgresServer;
import io.hotpath.db.Shards;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adding a shard to a deployment that keeps serving (docs/sharding.md "Adding a shard"): the
 * deployment starts with every partition on one shard; a second shard is added while writers create
 * articles, comments and favorites through the API, and readers read them. Every acknowledged write
 * must end up exactly once, on the shard the directory routes its article to.
 */
class ShardAddTest {
  static final Map<String, String> LOGICAL = Map.of("wal_level", "logical");
  static EmbeddedPostgresServer directory;
  static EmbeddedPostgresServer first;
  static EmbeddedPostgresServer second;
  static Hotpath app;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    directory = EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-dir"), false);
    first =
        EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-shard"), false, 0, LOGICAL);
    second =
        EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-shard"), false, 0, LOGICAL);
    app = Pg.sharded(directory, List.of(first), 4);
    s = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    for (var pg : new EmbeddedPostgresServer[] {first, second, directory}) {
      if (pg != null) {
        pg.close();
      }
    }
  }

  static Map<String, Integer> rows(EmbeddedPostgresServer pg, String table, String column)
      throws Exception {
    return Pg.values(pg, table, column);
  }

  static boolean tableExists(EmbeddedPostgresServer pg, String table) throws Exception {
    return Pg.exists(pg, table);
  }

  static Map<String, Integer> onBoth(String table, String column) throws Exception {
    var all = new HashMap<>(rows(first, table, column));
    rows(second, table, column).forEach((k, v) -> all.merge(k, v, Integer::sum));
    return all;
  }

  @Test
  void a_shard_added_under_load_takes_its_share_and_every_acknowledged_write_is_there_once()
      throws Exception {
    String alice = s.register("alice_" + TestServer.uid());
    String bob = s.register("bob_" + TestServer.uid());
    var slugs = new CopyOnWriteArrayList<String>();
    for (int i = 0; i < 40; i++) {
      slugs.add(s.article(alice, "Before " + i + " " + TestServer.uid(), "move"));
    }
    var comments = new ConcurrentLinkedQueue<String>();
    var favorites = new ConcurrentLinkedQueue<String>();
    var failures = new ConcurrentLinkedQueue<String>();
    var during = new AtomicInteger();
    var moving = new AtomicBoolean();
    var done = new AtomicBoolean();
    var threads = new ArrayList<Thread>();
    for (int w = 0; w < 3; w++) {
      int writer = w;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int n = 0; !done.get(); n++) {
                      var random = ThreadLocalRandom.current();
                      String slug = slugs.get(random.nextInt(slugs.size()));
                      TestServer.Response r;
                      switch (n % 3) {
                        case 0 -> {
                          r =
                              s.post(
                                  "/api/articles",
                                  "{\"article\":{\"title\":\"During "
                                      + writer
                                      + " "
                                      + n
                                      + "\",\"description\":\"d\",\"body\":\"b\","
                                      + "\"tagList\":[\"move\"]}}",
                                  alice);
                          if (r.status() == 201) {
                            slugs.add(r.json().at("/article/slug").asText());
                          }
                        }
                        case 1 -> {
                          r =
                              s.post(
                                  "/api/articles/" + slug + "/comments",
                                  "{\"comment\":{\"body\":\"c\"}}",
                                  bob);
                          if (r.status() == 200 || r.status() == 201) {
                            comments.add(r.json().at("/comment/id").asText());
                          }
                        }
                        default -> {
                          r = s.post("/api/articles/" + slug + "/favorite", "", bob);
                          if (r.status() == 200) {
                            favorites.add(slug);
                          }
                        }
                      }
                      if (r.status() >= 300) {
                        failures.add(r.status() + " " + r.body());
                      } else if (moving.get()) {
                        during.incrementAndGet();
                      }
                      var read = s.get("/api/articles/" + slug, null);
                      if (read.status() != 200) {
                        failures.add("read " + read.status() + " " + read.body());
                      }
                    }
                  }));
    }

    moving.set(true);
    List<Shards.Moved> moved =
        Shards.add(PgConnectOptions.fromUri(directory.url()), List.of(first.url()), second.url());
    moving.set(false);
    moved.forEach(m -> System.out.println("ShardAddTest: " + m));
    int at = slugs.size();
    while (slugs.size() < at + 10 && failures.isEmpty()) {
      Thread.onSpinWait(); // writes go on after the move, now routed to both shards
    }
    done.set(true);
    for (var t : threads) {
      t.join();
    }

    assertThat(failures).isEmpty();
    assertThat(during.get()).as("writes acknowledged while the move ran").isPositive();
    assertThat(moved).hasSize(2);
    // the second shard holds the moved partitions, the first no longer does
    for (var m : moved) {
      assertThat(m.server()).isEqualTo("shard_1");
      assertThat(tableExists(second, "articles_p" + m.partition())).isTrue();
      assertThat(tableExists(first, "articles_p" + m.partition())).isFalse();
    }
    var onFirst = rows(first, "articles", "slug");
    var onSecond = rows(second, "articles", "slug");
    assertThat(onFirst).isNotEmpty();
    assertThat(onSecond).isNotEmpty();
    // every acknowledged article, comment and favorite exactly once
    var articles = onBoth("articles", "slug");
    for (String slug : slugs) {
      assertThat(articles.get(slug)).as(slug).isEqualTo(1);
    }
    assertThat(articles.values()).allMatch(n -> n == 1);
    var commentRows = onBoth("comments", "id");
    for (String id : comments) {
      assertThat(commentRows.get(id)).as("comment " + id).isEqualTo(1);
    }
    assertThat(commentRows.values()).allMatch(n -> n == 1);
    // favorites: one row per (bob, article) whatever the repeats; each count matches its rows
    var favoriteRows = onBoth("favorites", "article_id::text || ':' || user_id::text");
    assertThat(favoriteRows.values()).allMatch(n -> n == 1);
    var favorited = new java.util.HashSet<>(favorites);
    assertThat(favoriteRows).hasSize(favorited.size());
    // and the API reads them all back, through the directory's new routing
    var list = s.get("/api/articles?tag=move&limit=1", null).json();
    assertThat(list.at("/articlesCount").asLong()).isEqualTo(slugs.size());
    for (String slug : favorited) {
      var a = s.get("/api/articles/" + slug, bob).json().at("/article");
      assertThat(a.at("/favorited").asBoolean()).as(slug).isTrue();
      assertThat(a.at("/favoritesCount").asInt()).as(slug).isEqualTo(1);
    }
    var total = s.get("/api/articles?limit=1", null).json();
    assertThat(total.at("/articlesCount").asLong()).isEqualTo(slugs.size());
  }
}
