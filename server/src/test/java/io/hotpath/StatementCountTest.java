package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No N+1 with the cache off: each page is one statement with views built in SQL (tags and
 * per-viewer flags from correlated subqueries) plus the count, whatever the page size.
 */
class StatementCountTest {
  static Hotpath app;
  static StatementFixture f;

  @BeforeAll
  static void start() {
    app = Hotpath.start(TestServer.config(Map.of("CACHE", "off")));
    f = StatementFixture.seed(new TestServer(app));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void list_of_100_articles_costs_same_statements_as_20() {
    assertThat(f.statementsFor("/api/articles?limit=100"))
        .isEqualTo(f.statementsFor("/api/articles?limit=20"))
        .isEqualTo(2);
  }

  @Test
  void author_and_tag_filters_cost_two_statements_whatever_the_page() {
    assertThat(f.statementsFor("/api/articles?author=" + f.author() + "&limit=100"))
        .isEqualTo(f.statementsFor("/api/articles?author=" + f.author() + "&limit=5"))
        .isEqualTo(2);
    assertThat(f.statementsFor("/api/articles?tag=" + f.tag() + "&limit=100"))
        .isEqualTo(f.statementsFor("/api/articles?tag=" + f.tag() + "&limit=5"))
        .isEqualTo(2);
  }

  @Test
  void feed_of_100_costs_same_statements_as_20() {
    assertThat(f.statementsFor("/api/articles/feed?limit=100"))
        .isEqualTo(f.statementsFor("/api/articles/feed?limit=20"))
        .isEqualTo(2);
  }

  @Test
  void single_article_costs_one_statement() {
    assertThat(f.statementsFor("/api/articles/" + f.firstSlug())).isEqualTo(1);
  }

  @Test
  void a_full_page_carries_flags_tags_and_the_total() {
    f.assertFullPage();
  }
}
