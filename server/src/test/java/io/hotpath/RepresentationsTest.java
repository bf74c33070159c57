package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Versioned answers: validators from row versions, 304 and kept bytes without building anything,
 * compressed once per version. The server here does not verify (VERIFY_CACHED_RESPONSES=off), so
 * the counters show what production does; every other test server verifies.
 */
class RepresentationsTest {
  static Hotpath app;
  static TestServer s;

  @BeforeAll
  static void start() {
    app = Hotpath.start(TestServer.config(Map.of("VERIFY_CACHED_RESPONSES", "off")));
    s = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  double built() {
    return s.metric("hotpath_http_representations_total{result=\"miss\"");
  }

  double kept() {
    return s.metric("hotpath_http_representations_total{result=\"hit\"");
  }

  @Test
  void a_matching_conditional_get_of_a_warm_article_builds_nothing_and_costs_no_sql() {
    String t = s.register("rep_" + TestServer.uid());
    String slug = s.article(t, "Kept " + TestServer.uid(), "kept");
    String etag = s.get("/api/articles/" + slug, null).header("ETag");
    double builtBefore = built();
    long statements = s.statements();
    var again = s.send("GET", "/api/articles/" + slug, null, null, Map.of("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(built()).as("bodies built for the 304").isEqualTo(builtBefore);
    assertThat(s.statements() - statements).as("statements for the 304").isZero();
  }

  @Test
  void a_repeated_get_is_served_the_kept_bytes_without_building_again() {
    String t = s.register("rep2_" + TestServer.uid());
    String slug = s.article(t, "Again " + TestServer.uid());
    String first = s.get("/api/articles/" + slug, null).body();
    double builtBefore = built();
    double keptBefore = kept();
    for (String path : new String[] {"/api/articles/" + slug, "/api/tags"}) {
      s.get(path, null);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(s.get("/api/articles/" + slug, null).body()).isEqualTo(first);
    }
    assertThat(kept() - keptBefore).isGreaterThanOrEqualTo(5);
    // the tags answer may have been built once (its first read here); the article never again
    assertThat(built() - builtBefore).isLessThanOrEqualTo(1);
  }

  @Test
  void every_input_of_an_article_answer_moves_its_validator() {
    String author = "rep3_" + TestServer.uid();
    String ta = s.register(author);
    String reader = s.register("rep3r_" + TestServer.uid());
    String slug = s.article(ta, "Inputs " + TestServer.uid());
    String path = "/api/articles/" + slug;
    var seen = new java.util.HashSet<String>();
    // anonymous and the reader, before any change: two different answers? no: the same flags
    seen.add(s.get(path, null).header("ETag"));
    assertThat(s.get(path, reader).header("ETag")).isIn(seen);
    // the reader favorites it: the count moves for everyone, the flag for the reader
    s.post(path + "/favorite", null, reader);
    String anonAfterFavorite = s.get(path, null).header("ETag");
    String readerAfterFavorite = s.get(path, reader).header("ETag");
    assertThat(seen.add(anonAfterFavorite)).as("count").isTrue();
    assertThat(seen.add(readerAfterFavorite)).as("favorited flag").isTrue();
    // the reader follows the author: the author's following flag for the reader
    s.post("/api/profiles/" + author + "/follow", null, reader);
    assertThat(seen.add(s.get(path, reader).header("ETag"))).as("following flag").isTrue();
    // the author's bio
    s.put("/api/user", "{\"user\":{\"bio\":\"new bio\"}}", ta);
    assertThat(seen.add(s.get(path, null).header("ETag"))).as("author's profile").isTrue();
    // the body
    s.put(path, "{\"article\":{\"body\":\"edited\"}}", ta);
    assertThat(seen.add(s.get(path, null).header("ETag"))).as("the article").isTrue();
    // ...and ?html=true is another answer of the same article
    assertThat(seen.add(s.get(path + "?html=true", null).header("ETag"))).as("html").isTrue();
  }

  @Test
  void a_warm_comment_list_answers_304_with_no_sql_and_every_input_moves_its_validator() {
    String author = "rep5_" + TestServer.uid();
    String ta = s.register(author);
    String reader = s.register("rep5r_" + TestServer.uid());
    String slug = s.article(ta, "Comments " + TestServer.uid());
    String path = "/api/articles/" + slug + "/comments";
    var seen = new java.util.HashSet<String>();
    seen.add(s.get(path, null).header("ETag"));
    var added = s.post(path, "{\"comment\":{\"body\":\"hello\"}}", ta);
    String etag = s.get(path, null).header("ETag");
    assertThat(seen.add(etag)).as("a new comment").isTrue();
    // warm: a matching conditional GET builds nothing and costs no SQL
    double builtBefore = built();
    long statements = s.statements();
    var again = s.send("GET", path, null, null, Map.of("If-None-Match", etag));
    assertThat(again.status()).isEqualTo(304);
    assertThat(built()).as("bodies built for the 304").isEqualTo(builtBefore);
    assertThat(s.statements() - statements).as("statements for the 304").isZero();
    // the commenter's following flag for the reader, then the commenter's bio
    assertThat(s.get(path, reader).header("ETag")).isEqualTo(etag);
    s.post("/api/profiles/" + author + "/follow", null, reader);
    assertThat(seen.add(s.get(path, reader).header("ETag"))).as("following flag").isTrue();
    s.put("/api/user", "{\"user\":{\"bio\":\"commenter bio\"}}", ta);
    String afterBio = s.get(path, null).header("ETag");
    assertThat(seen.add(afterBio)).as("commenter's profile").isTrue();
    // the comment deleted: back to an empty list, under a validator not seen with the comment
    long id = added.json().at("/comment/id").asLong();
    assertThat(s.delete(path + "/" + id, ta).status()).isEqualTo(204);
    var empty = s.send("GET", path, null, null, Map.of("If-None-Match", afterBio));
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.json().get("comments")).isEmpty();
  }

  @Test
  void br_and_gzip_kept_bytes_decode_to_the_identity_json() throws Exception {
    String t = s.register("rep4_" + TestServer.uid());
    String slug = s.article(t, "Compressed " + TestServer.uid(), "a", "b").toString();
    s.put("/api/articles/" + slug, "{\"article\":{\"body\":\"" + "word ".repeat(800) + "\"}}", t);
    String identity = s.get("/api/articles/" + slug, null).body();
    assertThat(identity.length()).isGreaterThan(4000);
    Brotli4jLoader.ensureAvailability();
    for (int round = 0; round < 2; round++) { // built, then kept
      for (String coding : new String[] {"br", "gzip"}) {
        byte[] body = fetch(slug, coding);
        assertThat(body.length).as(coding).isLessThan(identity.length() / 4);
        assertThat(decoded(coding, body)).as(coding).isEqualTo(identity);
      }
    }
  }

  double recompressed() {
    return s.metric("hotpath_http_representations_total{result=\"recompressed\"");
  }

  byte[] fetch(String slug, String coding) throws Exception {
    var resp =
        s.http.send(
            HttpRequest.newBuilder(URI.create(s.base + "/api/articles/" + slug))
                .header("Accept-Encoding", coding)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.headers().firstValue("Content-Encoding")).as(coding).hasValue(coding);
    return resp.body();
  }

  static String decoded(String coding, byte[] body) throws Exception {
    byte[] plain =
        coding.equals("br")
            ? Decoder.decompress(body).getDecompressedData()
            : new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
    return new String(plain, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Kept answers are compressed cheaply when built and better once, after they were served {@code
   * BETTER_AT_USE} times: most answers served again on the realistic mix are short-lived versions
   * served a few times, and recompressing each on its second use was most of the compression CPU.
   * The use that triggers it is answered with the cheap bytes (it does not wait); the next gets the
   * better ones.
   */
  @Test
  void an_answer_is_compressed_better_once_only_after_it_was_served_again_and_again()
      throws Exception {
    String t = s.register("rep5_" + TestServer.uid());
    String slug = s.article(t, "Recompressed " + TestServer.uid(), "a");
    var words = new String[] {"cache", "edge", "vary", "token", "shard", "pool", "loop", "byte"};
    var random = new java.util.Random(42);
    var text = new StringBuilder();
    while (text.length() < 6000) {
      text.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    s.put("/api/articles/" + slug, "{\"article\":{\"body\":\"" + text + "\"}}", t);
    String identity = s.get("/api/articles/" + slug, null).body();
    Brotli4jLoader.ensureAvailability();
    int betterAt = io.hotpath.http.Representations.BETTER_AT_USE;
    assertThat(betterAt).as("compressed better only after several uses").isGreaterThan(2);
    for (String coding : new String[] {"br", "gzip"}) {
      double before = recompressed();
      byte[] built = fetch(slug, coding);
      for (int use = 2; use < betterAt; use++) {
        assertThat(fetch(slug, coding)).as(coding + ": use " + use).isEqualTo(built);
        assertThat(recompressed()).as(coding + ": use " + use).isEqualTo(before);
      }
      byte[] trigger = fetch(slug, coding);
      assertThat(trigger)
          .as(coding + ": the use that triggers it gets the cheap bytes")
          .isEqualTo(built);
      assertThat(recompressed()).as(coding + ": use " + betterAt).isEqualTo(before + 1);
      byte[] better = fetch(slug, coding);
      byte[] kept = fetch(slug, coding);
      assertThat(recompressed()).as(coding + ": once").isEqualTo(before + 1);
      assertThat(better.length).as(coding + ": better after").isLessThan(built.length);
      assertThat(kept).as(coding + ": then kept").isEqualTo(better);
      for (byte[] b : new byte[][] {built, better, kept}) {
        assertThat(decoded(coding, b)).as(coding).isEqualTo(identity);
      }
    }
  }
}
