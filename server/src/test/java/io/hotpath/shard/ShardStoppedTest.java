package io.hotpath.shard;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One shard of two stopped (docs/sharding.md "One shard stopped"): the articles on the other shard
 * keep working end to end (read, comment, favorite, edit, delete); what needs the stopped shard (an
 * article hashed there, a list across shards) answers a clear 503, never a wrong or partial page;
 * when the shard is back everything answers again and the refused writes left no trace.
 */
class ShardStoppedTest {
  static EmbeddedPostgresServer directory;
  static EmbeddedPostgresServer live;
  static EmbeddedPostgresServer stopped;
  static Path stoppedData;
  static Hotpath app;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    directory = EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-dir"), false);
    live = EmbeddedPostgresServer.start(io.hotpath.TestServer.tempDir("hp-shard"), false);
    stoppedData = io.hotpath.TestServer.tempDir("hp-shard");
    stopped = EmbeddedPostgresServer.start(stoppedData, false);
    app = Pg.sharded(directory, java.util.List.of(live, stopped), 4);
    s = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    for (var pg : new EmbeddedPostgresServer[] {live, stopped, directory}) {
      if (pg != null) {
        pg.close();
      }
    }
  }

  static long onDirectory(String sql) throws Exception {
    return Pg.one(directory, sql);
  }

  @Test
  void the_other_shards_articles_keep_working_and_what_needs_the_stopped_one_answers_503()
      throws Exception {
    String alice = s.register("alice_" + TestServer.uid());
    String bob = s.register("bob_" + TestServer.uid());
    String tag = "t" + TestServer.uid();
    int port = stopped.port();
    stopped.close();

    // new articles: those hashed to the live shard are created, the others refused with a 503
    var created = new ArrayList<String>();
    int refused = 0;
    for (int i = 0; i < 16; i++) {
      var r =
          s.post(
              "/api/articles",
              "{\"article\":{\"title\":\"Down "
                  + i
                  + " "
                  + TestServer.uid()
                  + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\""
                  + tag
                  + "\"]}}",
              alice);
      assertThat(r.status()).as(r.body()).isIn(201, 503);
      if (r.status() == 201) {
        created.add(r.json().at("/article/slug").asText());
      } else {
        refused++;
        assertThat(r.json().at("/errors/server/0").asText()).contains("unavailable");
      }
    }
    assertThat(created).isNotEmpty();
    assertThat(refused).isPositive();

    // everything about an article on the live shard works, read from the database
    for (String slug : created) {
      var read = s.get("/api/articles/" + slug, bob);
      assertThat(read.status()).as(read.body()).isEqualTo(200);
      var comment =
          s.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"hi\"}}", bob);
      assertThat(comment.status()).as(comment.body()).isEqualTo(201);
      var comments = s.get("/api/articles/" + slug + "/comments", null);
      assertThat(comments.status()).as(comments.body()).isEqualTo(200);
      assertThat(comments.json().at("/comments").size()).isEqualTo(1);
      var fav = s.post("/api/articles/" + slug + "/favorite", "", bob);
      assertThat(fav.status()).as(fav.body()).isEqualTo(200);
      assertThat(fav.json().at("/article/favoritesCount").asInt()).isEqualTo(1);
      var edit = s.put("/api/articles/" + slug, "{\"article\":{\"body\":\"edited\"}}", alice);
      assertThat(edit.status()).as(edit.body()).isEqualTo(200);
      var del =
          s.delete(
              "/api/articles/" + slug + "/comments/" + comment.json().at("/comment/id").asLong(),
              bob);
      assertThat(del.status()).as(del.body()).isEqualTo(204);
    }
    String gone = created.removeLast();
    assertThat(s.delete("/api/articles/" + gone, alice).status()).isEqualTo(204);
    assertThat(s.get("/api/articles/" + gone, null).status()).isEqualTo(404);

    // a list across shards needs every shard: 503, not the live shard's half
    var list = s.get("/api/articles?tag=" + tag, null);
    assertThat(list.status()).as(list.body()).isEqualTo(503);

    // the shard is back: the list is whole, and the refused creations left no slug behind
    stopped = EmbeddedPostgresServer.start(stoppedData, false, port);
    var back = s.get("/api/articles?tag=" + tag + "&limit=100", null);
    assertThat(back.status()).as(back.body()).isEqualTo(200);
    var slugs = new ArrayList<String>();
    back.json().at("/articles").forEach(a -> slugs.add(a.at("/slug").asText()));
    assertThat(slugs).containsExactlyInAnyOrderElementsOf(created);
    assertThat(back.json().at("/articlesCount").asLong()).isEqualTo(created.size());
    assertThat(
            onDirectory(
                "SELECT count(*) FROM article_directory s"
                    + " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id)"))
        .isZero();
  }
}
