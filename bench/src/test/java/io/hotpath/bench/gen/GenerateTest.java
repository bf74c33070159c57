package io.hotpath.bench.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.db.EmbeddedPostgresServer;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator's data is consistent: every counter the triggers would keep matches the rows. */
class GenerateTest {
  static EmbeddedPostgresServer pg;
  static String jdbc;

  @BeforeAll
  static void generateSmallDataSet() throws Exception {
    pg =
        EmbeddedPostgresServer.start(
            io.hotpath.TestServer.tempDir("hotpath-gen").resolve("pg"), false);
    jdbc = "jdbc:postgresql://localhost:" + pg.port() + "/postgres";
    Generate.generate(
        jdbc,
        "postgres",
        null,
        Generate.parse(new String[] {"--articles", "5000", "--users", "300"}));
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  private static long scalar(String sql) throws Exception {
    try (var c = DriverManager.getConnection(jdbc, "postgres", null);
        var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void sizes_are_as_planned() throws Exception {
    assertThat(scalar("SELECT count(*) FROM articles")).isEqualTo(5000);
    assertThat(scalar("SELECT count(*) FROM users")).isEqualTo(300);
    assertThat(scalar("SELECT count(*) FROM comments")).isEqualTo(2500);
    assertThat(scalar("SELECT count(*) FROM favorites")).isGreaterThan(1000);
  }

  @Test
  void denormalised_counters_match_the_rows() throws Exception {
    assertThat(scalar("SELECT sum(n) FROM article_counts")).isEqualTo(5000);
    assertThat(
            scalar(
                """
        SELECT count(*) FROM users u
        WHERE u.articles_count <> (SELECT count(*) FROM articles a WHERE a.author_id = u.id)"""))
        .isZero();
    assertThat(
            scalar(
                """
        SELECT count(*) FROM articles a
        WHERE a.favorites_count <> (SELECT count(*) FROM favorites f WHERE f.article_id = a.id)"""))
        .isZero();
    assertThat(
            scalar(
                """
        SELECT count(*) FROM tags t
        WHERE t.article_count <> (SELECT count(*) FROM article_tags x WHERE x.tag_id = t.id)"""))
        .isZero();
    assertThat(
            scalar(
                """
        SELECT count(*) FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE x.created_at <> a.created_at"""))
        .isZero();
  }

  @Test
  void popularity_is_skewed_and_ids_follow_time() throws Exception {
    long top = scalar("SELECT max(articles_count) FROM users");
    long median =
        scalar("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY articles_count) FROM users");
    assertThat(top).isGreaterThan(10 * Math.max(1, median));
    assertThat(
            scalar(
                """
        SELECT count(*) FROM (SELECT created_at < lag(created_at) OVER (ORDER BY id) AS back FROM articles) s WHERE back"""))
        .isZero();
  }

  @Test
  void after_generation_the_triggers_are_back_on() throws Exception {
    // inside a transaction that is rolled back, so the other tests see the generated data only
    try (var c = DriverManager.getConnection(jdbc, "postgres", null);
        var st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute(
          "INSERT INTO articles (slug, title, description, body, author_id) VALUES ('trigger-check', 't', 'd', 'b', 1)");
      var rs = st.executeQuery("SELECT sum(n) FROM article_counts");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(5001);
      c.rollback();
    }
  }
}
