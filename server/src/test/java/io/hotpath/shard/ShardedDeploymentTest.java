package io.hotpath.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.EmbeddedPostgresServer;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sharded deployment on three embedded PostgreSQL servers: a directory and two shards
 * (docs/sharding.md). The API is driven from the outside and the shards are read directly: the
 * content must land on both, split by the hash of the article id, and behave as on one database.
 */
class ShardedDeploymentTest {
  static EmbeddedPostgresServer directory;
  static final List<EmbeddedPostgresServer> shards = new ArrayList<>();
  static Hotpath app;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    directory = EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-dir"), false);
    for (int i = 0; i < 2; i++) {
      shards.add(EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-shard"), false));
    }
    app = Pg.sharded(directory, shards, 4);
    s = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    shards.forEach(EmbeddedPostgresServer::close);
    if (directory != null) {
      directory.close();
    }
  }

  static long onShard(int i, String sql) throws Exception {
    return Pg.one(shards.get(i), sql);
  }

  /** Rows of {@code table} on shard i: the sum over the partitions placed there. */
  static long rowsOnShard(int i, String table) throws Exception {
    // partitions p with p mod 2 == i live on shard i; only rows of this test's "sharded-" articles
    long n = 0;
    for (int p = i; p < 4; p += 2) {
      n +=
          onShard(
              i,
              table.equals("articles")
                  ? "SELECT count(*) FROM articles_p" + p + " WHERE slug LIKE 'sharded-%'"
                  : "SELECT count(*) FROM "
                      + table
                      + "_p"
                      + p
                      + " x JOIN articles_p"
                      + p
                      + " a ON a.id = x.article_id WHERE a.slug LIKE 'sharded-%'");
    }
    return n;
  }

  @Test
  void articles_comments_and_favorites_split_over_both_shards_and_read_back_as_on_one_database()
      throws Exception {
    String alice = "alice_" + TestServer.uid();
    String bob = "bob_" + TestServer.uid();
    String a = s.register(alice);
    String b = s.register(bob);
    String tag = "t" + TestServer.uid();
    var slugs = new ArrayList<String>();
    for (int i = 0; i < 40; i++) {
      slugs.add(s.article(a, "Sharded " + i + " " + TestServer.uid(), tag));
    }
    for (String slug : slugs) {
      assertThat(s.post("/api/articles/" + slug + "/favorite", "", b).status()).isEqualTo(200);
      var c =
          s.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"hello\"}}", b);
      assertThat(c.status()).isEqualTo(201);
    }

    // content split by hash: both shards hold a share, every row exactly once
    long a0 = rowsOnShard(0, "articles");
    long a1 = rowsOnShard(1, "articles");
    assertThat(a0 + a1).isEqualTo(40);
    assertThat(a0).isPositive();
    assertThat(a1).isPositive();
    assertThat(rowsOnShard(0, "comments") + rowsOnShard(1, "comments")).isEqualTo(40);
    assertThat(rowsOnShard(0, "favorites") + rowsOnShard(1, "favorites")).isEqualTo(40);
    assertThat(rowsOnShard(0, "comments")).isPositive();
    assertThat(rowsOnShard(1, "comments")).isPositive();

    // lists merge the shards newest first, counts are exact
    var byTag = s.get("/api/articles?tag=" + tag + "&limit=20", null).json();
    assertThat(byTag.at("/articlesCount").asLong()).isEqualTo(40);
    var listed = new ArrayList<String>();
    byTag.at("/articles").forEach(x -> listed.add(x.at("/slug").asText()));
    assertThat(listed).containsExactlyElementsOf(slugs.reversed().subList(0, 20));
    var page2 = s.get("/api/articles?tag=" + tag + "&limit=20&offset=20", null).json();
    var listed2 = new ArrayList<String>();
    page2.at("/articles").forEach(x -> listed2.add(x.at("/slug").asText()));
    assertThat(listed2).containsExactlyElementsOf(slugs.reversed().subList(20, 40));
    var favorited = s.get("/api/articles?favorited=" + bob + "&limit=5", b).json();
    assertThat(favorited.at("/articlesCount").asLong()).isEqualTo(40);
    assertThat(favorited.at("/articles/0/favorited").asBoolean()).isTrue();
    assertThat(favorited.at("/articles/0/favoritesCount").asInt()).isEqualTo(1);
    var byAuthor = s.get("/api/articles?author=" + alice + "&limit=1", null).json();
    assertThat(byAuthor.at("/articlesCount").asLong()).isEqualTo(40);
    assertThat(byAuthor.at("/articles/0/slug").asText()).isEqualTo(slugs.getLast());
    assertThat(s.post("/api/profiles/" + alice + "/follow", "", b).status()).isEqualTo(200);
    var feed = s.get("/api/articles/feed?limit=3", b).json();
    assertThat(feed.at("/articles/0/slug").asText()).isEqualTo(slugs.getLast());
    var comments = s.get("/api/articles/" + slugs.get(7) + "/comments", null).json();
    assertThat(comments.at("/comments").size()).isEqualTo(1);

    // an edit, an unfavorite and a delete reach the shard that holds the article
    String first = slugs.getFirst();
    var edited =
        s.put("/api/articles/" + first, "{\"article\":{\"body\":\"edited on its shard\"}}", a);
    assertThat(edited.status()).isEqualTo(200);
    assertThat(s.get("/api/articles/" + first, null).json().at("/article/body").asText())
        .isEqualTo("edited on its shard");
    var unfav = s.delete("/api/articles/" + first + "/favorite", b).json();
    assertThat(unfav.at("/article/favoritesCount").asInt()).isZero();
    assertThat(s.delete("/api/articles/" + slugs.get(1), a).status()).isIn(200, 204);
    assertThat(s.get("/api/articles/" + slugs.get(1), null).status()).isEqualTo(404);
    assertThat(
            s.get("/api/articles?tag=" + tag + "&limit=1", null)
                .json()
                .at("/articlesCount")
                .asLong())
        .isEqualTo(39);
    assertThat(rowsOnShard(0, "comments") + rowsOnShard(1, "comments")).isEqualTo(39);
  }

  /**
   * table → its "column type nullability" lines in name order (column order differs: ALTER TABLE
   * appends), for the tables whose names match {@code tableFilter} (a shard's "_p0" is dropped).
   */
  static Map<String, List<String>> columns(int port, String tableFilter) throws Exception {
    var out = new java.util.TreeMap<String, List<String>>();
    try (var c =
            DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", null);
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT table_name, column_name, data_type, is_nullable"
                        + " FROM information_schema.columns WHERE table_schema = 'public'"
                        + " AND table_name ~ '"
                        + tableFilter
                        + "' ORDER BY table_name, ordinal_position")) {
      while (rs.next()) {
        String table = rs.getString(1).replaceAll("_p0$", "");
        out.computeIfAbsent(table, t -> new ArrayList<>())
            .add(rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
      }
    }
    out.values().forEach(java.util.Collections::sort);
    return out;
  }

  @Test
  void the_sharded_schemas_have_the_columns_of_the_one_database_schema() throws Exception {
    // the sharded schemas restate db/migration's end state: a migration written for one database
    // and not for the directory or the shards makes them differ here
    try (var single =
        EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-one"), false)) {
      io.hotpath.db.Migrations.migrate(
          "jdbc:postgresql://localhost:" + single.port() + "/postgres", "postgres", null);
      String all = "^[a-z_]+$";
      var one = columns(single.port(), all);
      one.remove("flyway_schema_history");
      one.remove("article_counts"); // per partition on the shards (a partition column added)
      assertThat(one).containsKeys("users", "articles", "comments", "jobs", "notifications");
      var dir = columns(directory.port(), all);
      // the article directory: a view over articles on one database (nullable columns), a table
      // here
      assertThat(dir.get("article_directory"))
          .containsExactly(
              "article_id bigint NO",
              "author_id bigint NO",
              "created_at timestamp with time zone NO",
              "slug text NO");
      assertThat(one.remove("article_directory"))
          .containsExactly(
              "article_id bigint YES",
              "author_id bigint YES",
              "created_at timestamp with time zone YES",
              "slug text YES");
      var content = List.of("articles", "article_tags", "comments", "favorites");
      for (var e : one.entrySet()) {
        assertThat(dir.get(e.getKey())).as("directory: " + e.getKey()).isEqualTo(e.getValue());
      }
      var shard = columns(shards.get(0).port(), "^[a-z_]+_p0$");
      for (String t : content) {
        assertThat(shard.get(t)).as("shard: " + t).isEqualTo(one.get(t));
      }
    }
  }

  @Test
  void the_same_title_from_many_writers_at_once_never_gives_two_articles_one_slug()
      throws Exception {
    var tokens = new ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      tokens.add(s.register("w" + i + "_" + TestServer.uid()));
    }
    String title = "Same title " + TestServer.uid();
    var pool = Executors.newFixedThreadPool(8);
    try {
      var calls = new ArrayList<Callable<String>>();
      for (int i = 0; i < 24; i++) {
        String t = tokens.get(i % tokens.size());
        calls.add(() -> s.article(t, title));
      }
      var slugs = new ArrayList<String>();
      for (var f : pool.invokeAll(calls)) {
        slugs.add(f.get());
      }
      // ids hash over both shards, so the shards' own unique indexes cannot see each other's
      // slugs: the directory's slug table is what keeps them apart
      assertThat(new HashSet<>(slugs)).hasSize(24);
      for (String slug : slugs) {
        assertThat(s.get("/api/articles/" + slug, null).json().at("/article/title").asText())
            .isEqualTo(title);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void many_readers_favoriting_one_article_at_once_all_succeed_and_the_count_is_exact()
      throws Exception {
    // postgres_fdw runs the shard's part at REPEATABLE READ: concurrent bumps of one article's
    // counter fail there with a serialization failure where one database makes them wait
    String author = s.register("fa_" + TestServer.uid());
    String slug = s.article(author, "Popular " + TestServer.uid());
    var tokens = new ArrayList<String>();
    for (int i = 0; i < 16; i++) {
      tokens.add(s.register("fan" + i + "_" + TestServer.uid()));
    }
    var pool = Executors.newFixedThreadPool(16);
    try {
      var calls = new ArrayList<Callable<Integer>>();
      for (String t : tokens) {
        calls.add(() -> s.post("/api/articles/" + slug + "/favorite", "", t).status());
      }
      var statuses = new ArrayList<Integer>();
      for (var f : pool.invokeAll(calls)) {
        statuses.add(f.get());
      }
      assertThat(statuses).containsOnly(200);
    } finally {
      pool.shutdownNow();
    }
    var read = s.get("/api/articles/" + slug, null).json();
    assertThat(read.at("/article/favoritesCount").asInt()).isEqualTo(tokens.size());
  }

  /** Statements each step of one user's session costs on {@code server}. */
  static List<String> statementsPerStep(TestServer server) {
    String me = "st_" + TestServer.uid();
    String token = server.register(me);
    String reader = server.register("rd_" + TestServer.uid());
    String tag = "st" + TestServer.uid();
    var steps = new ArrayList<String>();
    Map<String, java.util.function.Supplier<TestServer.Response>> session =
        new java.util.LinkedHashMap<>();
    String[] slug = new String[1];
    session.put(
        "create",
        () -> {
          var r =
              server.post(
                  "/api/articles",
                  "{\"article\":{\"title\":\"Cost "
                      + TestServer.uid()
                      + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\""
                      + tag
                      + "\"]}}",
                  token);
          slug[0] = r.json().at("/article/slug").asText();
          return r;
        });
    session.put("read", () -> server.get("/api/articles/" + slug[0], null));
    session.put("read again", () -> server.get("/api/articles/" + slug[0], null));
    session.put("read signed in", () -> server.get("/api/articles/" + slug[0], reader));
    session.put(
        "comment",
        () ->
            server.post(
                "/api/articles/" + slug[0] + "/comments",
                "{\"comment\":{\"body\":\"hi\"}}",
                reader));
    session.put("comments", () -> server.get("/api/articles/" + slug[0] + "/comments", null));
    session.put(
        "favorite", () -> server.post("/api/articles/" + slug[0] + "/favorite", "", reader));
    session.put("tag list", () -> server.get("/api/articles?tag=" + tag, reader));
    session.put("tag list again", () -> server.get("/api/articles?tag=" + tag, reader));
    session.put(
        "edit",
        () -> server.put("/api/articles/" + slug[0], "{\"article\":{\"body\":\"e\"}}", token));
    session.put("delete", () -> server.delete("/api/articles/" + slug[0], token));
    for (var step : session.entrySet()) {
      long before = server.statements();
      var r = step.getValue().get();
      assertThat(r.status()).as(step.getKey() + ": " + r.body()).isLessThan(300);
      steps.add(step.getKey() + ": " + (server.statements() - before));
    }
    return steps;
  }

  @Test
  void each_request_costs_the_statements_it_costs_on_one_database() {
    // the same session on the sharded server and on one database: Hotpath sends the same SQL, so
    // a request routed to one shard costs what it costs on one database
    var sharded = statementsPerStep(s);
    var one = statementsPerStep(TestServer.get());
    assertThat(sharded).containsExactlyElementsOf(one);
  }

  static void onDirectory(String sql) throws Exception {
    Pg.execute(directory, sql);
  }

  static long countOnDirectory(String sql) throws Exception {
    return Pg.one(directory, sql);
  }

  @Test
  void the_repair_mends_what_a_directory_crash_between_the_two_commits_leaves() throws Exception {
    // what a crash after the shard's commit and before the directory's leaves, made by hand: an
    // article on its shard without its directory entry (its creation was refused), an entry whose
    // article is gone (its delete was refused), an author's and a tag's counter off
    String author = "rp_" + TestServer.uid();
    String token = s.register(author);
    String tag = "rp" + TestServer.uid();
    String orphan = s.article(token, "Orphan " + TestServer.uid(), tag);
    String kept = s.article(token, "Kept " + TestServer.uid(), tag);
    onDirectory("DELETE FROM article_directory WHERE slug = '" + orphan + "'");
    onDirectory(
        "INSERT INTO article_directory (slug, article_id, created_at, author_id)"
            + " VALUES ('gone-"
            + TestServer.uid()
            + "', 999999999, now(), 1)");
    onDirectory(
        "UPDATE users SET articles_count = articles_count + 5 WHERE username = '" + author + "'");
    onDirectory("UPDATE tags SET article_count = article_count - 1 WHERE name = '" + tag + "'");

    var repaired =
        io.hotpath.db.Shards.repair(io.vertx.pgclient.PgConnectOptions.fromUri(directory.url()));

    assertThat(repaired.articlesDeleted()).isEqualTo(1);
    assertThat(repaired.entriesDropped()).isEqualTo(1);
    assertThat(repaired.authorCounts()).isGreaterThanOrEqualTo(1);
    assertThat(repaired.tagCounts()).isEqualTo(1);
    // the directory and the shards agree again, everywhere
    assertThat(
            countOnDirectory(
                "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_directory d"
                    + " WHERE d.article_id = a.id AND d.slug = a.slug AND d.author_id = a.author_id"
                    + " AND d.created_at = a.created_at)"))
        .isZero();
    assertThat(
            countOnDirectory(
                "SELECT count(*) FROM article_directory d"
                    + " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.article_id)"))
        .isZero();
    assertThat(
            countOnDirectory(
                "SELECT count(*) FROM users u WHERE articles_count <> (SELECT count(*) FROM"
                    + " article_directory d WHERE d.author_id = u.id)"))
        .isZero();
    assertThat(
            countOnDirectory(
                "SELECT count(*) FROM tags t WHERE article_count <> (SELECT count(*) FROM"
                    + " article_tags x WHERE x.tag_id = t.id)"))
        .isZero();
    var byTag = s.get("/api/articles?tag=" + tag, null).json();
    assertThat(byTag.at("/articlesCount").asLong()).isEqualTo(1);
    assertThat(byTag.at("/articles/0/slug").asText()).isEqualTo(kept);
    // the repair is recorded against the directory server's start, so the next Hotpath start
    // repairs only if that server has restarted (as a crash makes it) since
    assertThat(
            countOnDirectory(
                "SELECT count(*) FROM shard_repair_state"
                    + " WHERE postmaster_start = pg_postmaster_start_time()"))
        .isEqualTo(1);
    // and a second repair finds nothing left
    var again =
        io.hotpath.db.Shards.repair(io.vertx.pgclient.PgConnectOptions.fromUri(directory.url()));
    assertThat(again).isEqualTo(new io.hotpath.db.Shards.Repaired(0, 0, 0, 0));
  }
}
