package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No N+1 with the cache on: cold, a page costs one statement for its ids and total plus one batch
 * load per cache, whatever its size; warm, a list page costs nothing (its id page is cached under
 * its filter's version), and so does a feed page (cached under the viewer's followees and their
 * versions).
 */
class CachedStatementCountTest {
  static StatementFixture f;

  @BeforeAll
  static void seed() {
    f = StatementFixture.seed(TestServer.get());
  }

  @Test
  void cold_list_of_100_costs_same_statements_as_cold_20_and_warm_costs_none() {
    long cold20 = f.coldStatementsFor("/api/articles?author=" + f.author() + "&limit=20");
    long cold100 = f.coldStatementsFor("/api/articles?author=" + f.author() + "&limit=100");
    assertThat(cold100).isEqualTo(cold20).isLessThanOrEqualTo(7);
    assertThat(f.statementsFor("/api/articles?author=" + f.author() + "&limit=100")).isZero();
  }

  @Test
  void warm_global_and_tag_lists_cost_no_statement() {
    for (String path :
        new String[] {
          "/api/articles?limit=20",
          "/api/articles?limit=20&offset=20",
          "/api/articles?tag=" + f.tag()
        }) {
      f.statementsFor(path);
      assertThat(f.statementsFor(path)).as(path).isZero();
    }
  }

  @Test
  void cold_feed_of_100_costs_same_statements_as_cold_20() {
    long cold20 = f.coldStatementsFor("/api/articles/feed?limit=20");
    long cold100 = f.coldStatementsFor("/api/articles/feed?limit=100");
    assertThat(cold100).isEqualTo(cold20).isLessThanOrEqualTo(5);
  }

  @Test
  void a_warm_feed_page_costs_no_statement() {
    f.statementsFor("/api/articles/feed?limit=20");
    assertThat(f.statementsFor("/api/articles/feed?limit=20")).isZero();
    f.statementsFor("/api/articles/feed?limit=0");
    assertThat(f.statementsFor("/api/articles/feed?limit=0")).isZero();
  }

  @Test
  void a_cached_feed_follows_a_followees_publish_and_delete_and_the_readers_follow_at_once() {
    var server = f.server();
    String u = TestServer.uid();
    String reader = signedIn(server, "sc_feed_reader_" + u);
    String a = "sc_feed_a_" + u;
    String aToken = server.register(a);
    String b = "sc_feed_b_" + u;
    String bToken = server.register(b);
    String first = server.article(aToken, "Feed A " + u + " 0");
    server.article(bToken, "Feed B " + u + " 0");
    assertThat(server.post("/api/profiles/" + a + "/follow", null, reader).status()).isEqualTo(200);
    String path = "/api/articles/feed?limit=20";
    statementsFor(server, path, reader);
    assertThat(statementsFor(server, path, reader)).isZero();

    String fresh = server.article(aToken, "Feed A " + u + " 1");
    var page = server.get(path, reader).json();
    assertThat(page.at("/articles/0/slug").asText()).isEqualTo(fresh);
    assertThat(page.at("/articlesCount").asLong()).isEqualTo(2);

    // someone the reader does not follow publishes: the cached page is still good
    server.article(bToken, "Feed B " + u + " 1");
    assertThat(statementsFor(server, path, reader)).isZero();

    assertThat(server.post("/api/profiles/" + b + "/follow", null, reader).status()).isEqualTo(200);
    assertThat(server.get(path, reader).json().at("/articlesCount").asLong()).isEqualTo(4);

    assertThat(server.delete("/api/articles/" + fresh, aToken).status()).isIn(200, 204);
    page = server.get(path, reader).json();
    assertThat(page.at("/articlesCount").asLong()).isEqualTo(3);
    var slugs = new java.util.ArrayList<String>();
    page.at("/articles").forEach(x -> slugs.add(x.at("/slug").asText()));
    assertThat(slugs).doesNotContain(fresh).contains(first);

    assertThat(server.delete("/api/profiles/" + b + "/follow", reader).status()).isEqualTo(200);
    assertThat(server.get(path, reader).json().at("/articlesCount").asLong()).isEqualTo(1);
  }

  @Test
  void a_feed_page_carries_the_feeds_total_whether_full_empty_or_past_the_end() {
    for (String q : new String[] {"limit=20", "limit=0", "limit=20&offset=1000"}) {
      var page = f.server().get("/api/articles/feed?" + q, f.reader()).json();
      assertThat(page.at("/articlesCount").asLong()).as(q).isEqualTo(100);
    }
    var full = f.server().get("/api/articles/feed?limit=20", f.reader()).json().at("/articles");
    assertThat(full.size()).isEqualTo(20);
    assertThat(full.get(0).at("/createdAt").asText())
        .isGreaterThanOrEqualTo(full.get(19).at("/createdAt").asText());
    String nobody = f.server().register("sc_follows_nobody_" + TestServer.uid());
    var empty = f.server().get("/api/articles/feed", nobody).json();
    assertThat(empty.at("/articlesCount").asLong()).isZero();
    assertThat(empty.at("/articles").size()).isZero();
  }

  @Test
  void a_list_page_reloaded_after_a_publish_costs_its_ids_with_total_and_the_new_article() {
    var server = f.server();
    String u = TestServer.uid();
    String author = "sc_prolific_" + u;
    String authorToken = server.register(author);
    server.article(authorToken, "Prolific " + u + " 0");
    String path = "/api/articles?author=" + author;
    f.statementsFor(path);
    assertThat(f.statementsFor(path)).isZero();
    server.article(authorToken, "Prolific " + u + " 1");
    assertThat(f.statementsFor(path)).isEqualTo(2);
    assertThat(server.get(path, f.reader()).json().at("/articlesCount").asInt()).isEqualTo(2);
  }

  @Test
  void after_a_publish_the_first_ten_pages_of_the_global_list_reload_as_one_window() {
    var server = f.server();
    String u = TestServer.uid();
    String token = server.register("sc_window_" + u);
    server.article(token, "Window " + u + " 0");
    for (int page = 0; page < 10; page++) {
      f.statementsFor("/api/articles?limit=20&offset=" + 20 * page);
    }
    String newest = server.article(token, "Window " + u + " 1");
    long statements = 0;
    var slugs = new java.util.ArrayList<String>();
    var created = new java.util.ArrayList<String>();
    for (int page = 0; page < 10; page++) {
      String path = "/api/articles?limit=20&offset=" + 20 * page;
      statements += f.statementsFor(path);
      for (var a : server.get(path, f.reader()).json().at("/articles")) {
        slugs.add(a.at("/slug").asText());
        created.add(a.at("/createdAt").asText());
      }
    }
    // the window of ids with the total, and the new article's view (its author is warm)
    assertThat(statements).isLessThanOrEqualTo(2);
    // the pages are slices of one list: the new article first, no article twice, newest first
    assertThat(slugs.get(0)).isEqualTo(newest);
    assertThat(slugs).doesNotHaveDuplicates();
    assertThat(created).isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void a_signed_in_page_of_articles_nobody_favorited_asks_for_no_flags() {
    var server = f.server();
    String u = TestServer.uid();
    String author = "sc_unloved_" + u;
    String authorToken = server.register(author);
    var slugs = new java.util.ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      slugs.add(server.article(authorToken, "Unloved " + u + " " + i));
    }
    String path = "/api/articles?author=" + author;
    assertThat(server.get(path, f.reader()).status()).isEqualTo(200); // page and cores cached
    String first = signedIn(server, "sc_first_" + u);
    assertThat(statementsFor(server, path, first)).isZero();
    assertThat(server.post("/api/articles/" + slugs.get(1) + "/favorite", null, first).status())
        .isEqualTo(200);
    // the favoriter sees it at once; a reader who did not favorite it pays one flag lookup
    var mine = server.get(path, first).json().at("/articles");
    assertThat(mine.findValuesAsText("favorited")).containsExactly("false", "true", "false");
    String second = signedIn(server, "sc_second_" + u);
    assertThat(statementsFor(server, path, second)).isEqualTo(1);
    var theirs = server.get(path, second).json().at("/articles");
    assertThat(theirs.findValuesAsText("favorited")).containsExactly("false", "false", "false");
    assertThat(theirs.get(1).at("/favoritesCount").asInt()).isEqualTo(1);
  }

  /**
   * A new user whose token and follows are already cached (both have caches of their own): what is
   * counted after this is what the page costs.
   */
  private static String signedIn(TestServer server, String username) {
    String token = server.register(username);
    assertThat(server.get("/api/profiles/" + username, token).status()).isEqualTo(200);
    return token;
  }

  private static long statementsFor(TestServer server, String path, String token) {
    long before = server.statements();
    assertThat(server.get(path, token).status()).isEqualTo(200);
    return server.statements() - before;
  }

  @Test
  void warm_single_article_costs_no_statement() {
    String slug = f.firstSlug();
    assertThat(f.coldStatementsFor("/api/articles/" + slug)).isLessThanOrEqualTo(5);
    assertThat(f.statementsFor("/api/articles/" + slug)).isZero();
  }

  @Test
  void a_warm_comment_list_costs_no_statement_and_follows_a_new_comment() {
    String slug = f.firstSlug();
    String commenter = f.server().register("sc_commenter_" + TestServer.uid());
    String path = "/api/articles/" + slug + "/comments";
    assertThat(f.server().post(path, "{\"comment\":{\"body\":\"first\"}}", commenter).status())
        .isEqualTo(201);
    f.statementsFor(path);
    assertThat(f.statementsFor(path)).isZero();
    // a second comment: in the next read at once, and that read is warm again after it
    f.server().post(path, "{\"comment\":{\"body\":\"second\"}}", commenter);
    assertThat(f.server().get(path, f.reader()).json().at("/comments/1/body").asText())
        .isEqualTo("second");
    assertThat(f.statementsFor(path)).isZero();
  }

  @Test
  void a_comment_added_to_a_warm_comment_list_is_in_the_next_read_without_a_statement() {
    String t = f.server().register("sc_wt_" + TestServer.uid());
    String slug = f.server().article(t, "Write-through " + TestServer.uid());
    String path = "/api/articles/" + slug + "/comments";
    assertThat(f.server().post(path, "{\"comment\":{\"body\":\"first\"}}", t).status())
        .isEqualTo(201);
    f.statementsFor(path);
    assertThat(f.server().post(path, "{\"comment\":{\"body\":\"second\"}}", t).status())
        .isEqualTo(201);
    long before = f.server().statements();
    var comments = f.server().get(path, f.reader()).json().get("comments");
    assertThat(f.server().statements() - before).as("statements of the read").isZero();
    assertThat(comments).hasSize(2);
    assertThat(comments.get(0).get("body").asText()).isEqualTo("first");
    assertThat(comments.get(1).get("body").asText()).isEqualTo("second");
    assertThat(comments.get(1).at("/author/username").asText()).startsWith("sc_wt_");
  }

  @Test
  void comments_posted_at_once_on_one_warm_article_are_all_in_the_next_read_in_order()
      throws Exception {
    String t = f.server().register("sc_race_" + TestServer.uid());
    String slug = f.server().article(t, "Racing comments " + TestServer.uid());
    String path = "/api/articles/" + slug + "/comments";
    f.statementsFor(path);
    var posts = new java.util.ArrayList<Thread>();
    var statuses = new java.util.concurrent.ConcurrentLinkedQueue<Integer>();
    for (int i = 0; i < 40; i++) {
      String body = "{\"comment\":{\"body\":\"c" + i + "\"}}";
      posts.add(
          Thread.ofVirtual().start(() -> statuses.add(f.server().post(path, body, t).status())));
    }
    for (var p : posts) {
      p.join();
    }
    assertThat(statuses).hasSize(40).containsOnly(201);
    var comments = f.server().get(path, f.reader()).json().get("comments");
    var ids = new java.util.ArrayList<Long>();
    var bodies = new java.util.HashSet<String>();
    comments.forEach(
        x -> {
          ids.add(x.get("id").asLong());
          bodies.add(x.get("body").asText());
        });
    assertThat(ids).hasSize(40).isSorted().doesNotHaveDuplicates();
    assertThat(bodies).hasSize(40);
  }

  @Test
  void a_favorite_toggle_moves_the_count_of_a_warm_article_without_loading_it_again() {
    var server = f.server();
    String t = server.register("sc_fav_author_" + TestServer.uid());
    String slug = server.article(t, "Favorite in place " + TestServer.uid());
    String fan = server.register("sc_fan_" + TestServer.uid());
    String path = "/api/articles/" + slug;
    String etag = server.get(path, null).header("ETag");
    assertThat(etag).isNotNull();
    var favored = server.post(path + "/favorite", null, fan);
    assertThat(favored.json().at("/article/favoritesCount").asInt()).isEqualTo(1);

    long before = server.statements();
    var read = server.get(path, null);
    assertThat(server.statements() - before).as("statements of the read").isZero();
    assertThat(read.json().at("/article/favoritesCount").asInt()).isEqualTo(1);
    // the answer before the toggle is no longer valid: a browser holding it gets the new one
    var revalidated = server.send("GET", path, null, null, java.util.Map.of("If-None-Match", etag));
    assertThat(revalidated.status()).isEqualTo(200);
    assertThat(revalidated.json().at("/article/favoritesCount").asInt()).isEqualTo(1);

    assertThat(server.delete(path + "/favorite", fan).status()).isEqualTo(200);
    before = server.statements();
    assertThat(server.get(path, null).json().at("/article/favoritesCount").asInt()).isZero();
    assertThat(server.statements() - before).as("statements of the read").isZero();
  }

  @Test
  void favorites_toggled_at_once_on_one_warm_article_leave_its_exact_count() throws Exception {
    var server = f.server();
    String t = server.register("sc_favrace_" + TestServer.uid());
    String slug = server.article(t, "Favorites at once " + TestServer.uid());
    String path = "/api/articles/" + slug;
    var fans = new java.util.ArrayList<String>();
    for (int i = 0; i < 24; i++) {
      fans.add(server.register("sc_favrace_fan_" + TestServer.uid()));
    }
    for (int round = 0; round < 3; round++) {
      server.get(path, null);
      var toggles = new java.util.ArrayList<Thread>();
      int r = round;
      for (int i = 0; i < fans.size(); i++) {
        String fan = fans.get(i);
        // round 0: all favorite; round 1: the even ones unfavorite; round 2: they favorite again
        boolean on = r != 1;
        if (r > 0 && i % 2 == 1) {
          continue;
        }
        toggles.add(
            Thread.ofVirtual()
                .start(
                    () ->
                        assertThat(
                                on
                                    ? server.post(path + "/favorite", null, fan).status()
                                    : server.delete(path + "/favorite", fan).status())
                            .isEqualTo(200)));
      }
      for (var x : toggles) {
        x.join();
      }
      int expected = r == 1 ? fans.size() / 2 : fans.size();
      assertThat(server.get(path, null).json().at("/article/favoritesCount").asInt())
          .as("round " + r)
          .isEqualTo(expected);
    }
  }

  @Test
  void comments_beyond_what_one_cache_entry_keeps_are_served_whole_by_sql() {
    String t = f.server().register("sc_long_" + TestServer.uid());
    String slug = f.server().article(t, "Long comments " + TestServer.uid());
    String path = "/api/articles/" + slug + "/comments";
    String big = "x".repeat(15_000); // three of them exceed the 32 KiB kept per article
    for (int i = 0; i < 3; i++) {
      assertThat(f.server().post(path, "{\"comment\":{\"body\":\"" + i + big + "\"}}", t).status())
          .isEqualTo(201);
    }
    f.statementsFor(path);
    var all = f.server().get(path, f.reader()).json().get("comments");
    assertThat(all).hasSize(3);
    assertThat(all.get(2).get("body").asText()).startsWith("2x");
    assertThat(f.statementsFor(path)).as("the whole page is not in the cache").isEqualTo(1);
    // the first comment alone is within what is kept: no statement
    f.statementsFor(path + "?limit=1");
    assertThat(f.statementsFor(path + "?limit=1")).isZero();
  }

  @Test
  void a_full_page_carries_flags_tags_and_the_total() {
    f.assertFullPage();
  }
}
