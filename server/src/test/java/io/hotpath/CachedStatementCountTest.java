package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No N+1 with the cache on: cold, a page costs its id query and count plus one batch load per
 * cache, whatever its size; warm, a list page costs nothing (its id page is cached under its
 * filter's version), a feed page its id query and count.
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
    assertThat(cold100).isEqualTo(cold20).isLessThanOrEqualTo(6);
    assertThat(f.statementsFor("/api/articles/feed?limit=100")).isEqualTo(2);
  }

  @Test
  void warm_single_article_costs_no_statement() {
    String slug = f.firstSlug();
    assertThat(f.coldStatementsFor("/api/articles/" + slug)).isLessThanOrEqualTo(5);
    assertThat(f.statementsFor("/api/articles/" + slug)).isZero();
  }

  @Test
  void a_full_page_carries_flags_tags_and_the_total() {
    f.assertFullPage();
  }
}
