package io.hotpath.article;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The list query builder: one statement per filter shape, parameters numbered in order. */
class ArticleQueriesTest {
  static ArticleQueries.Where where(String tag, String author, String favorited) {
    return ArticleQueries.Where.of(new ArticleFilter(tag, author, favorited));
  }

  @Test
  void users_resolved_by_the_cache_are_bound_by_id_not_looked_up_by_name() {
    var st = ArticleQueries.pageIdsAndCount(ArticleQueries.Where.byIds("t", 42L, null), 20, 0);
    assertThat(st.sql())
        .contains("a.author_id = $2::bigint")
        .contains("a.author_id = $4::bigint")
        .doesNotContain("username");
    assertThat(st.args().getLong(1)).isEqualTo(42L);
    assertThat(st.args().getLong(3)).isEqualTo(42L);
    var count = ArticleQueries.count(ArticleQueries.Where.byIds(null, null, 9L));
    assertThat(count.sql())
        .isEqualTo("SELECT count(*) AS n FROM favorites WHERE user_id = $1::bigint");
    assertThat(count.args().getLong(0)).isEqualTo(9L);
  }

  @Test
  void single_filters_count_from_the_trigger_kept_counters() {
    assertThat(ArticleQueries.count(where(null, null, null)).sql())
        .contains("article_counts")
        .doesNotContain("count(*)");
    assertThat(ArticleQueries.count(where("t", null, null)).sql())
        .contains("article_count FROM tags");
    assertThat(ArticleQueries.count(where(null, "jake", null)).sql())
        .contains("articles_count FROM users");
  }

  @Test
  void combined_filters_count_rows_with_every_condition() {
    var st = ArticleQueries.count(where("t", "jake", "ann"));
    assertThat(st.sql()).contains("count(*)").contains("$1").contains("$2").contains("$3");
    assertThat(st.args().size()).isEqualTo(3);
    assertThat(st.args().getString(0)).isEqualTo("t");
    assertThat(st.args().getString(2)).isEqualTo("ann");
  }

  @Test
  void the_id_page_numbers_its_values_after_the_counts_then_limit_and_offset() {
    var st = ArticleQueries.pageIdsAndCount(where("t", "jake", null), 20, 40);
    assertThat(st.sql())
        .startsWith("SELECT (SELECT count(*) AS n")
        .contains("LIMIT $5::int OFFSET $6::int")
        .contains("x.created_at DESC");
    assertThat(st.args().size()).isEqualTo(6);
    assertThat(st.args().getString(2)).isEqualTo("t");
    assertThat(st.args().getInteger(4)).isEqualTo(20);
    assertThat(st.args().getInteger(5)).isEqualTo(40);
    var plain = ArticleQueries.pageIdsAndCount(where(null, null, null), 5, 0);
    assertThat(plain.sql())
        .contains("article_counts")
        .contains("FROM article_directory a ORDER BY a.created_at DESC, a.article_id DESC");
    assertThat(plain.args().size()).isEqualTo(2);
  }

  @Test
  void the_full_page_keeps_the_viewer_as_the_first_parameter() {
    var st = ArticleQueries.page(where(null, "jake", null), 7L, 10, 0);
    assertThat(st.args().getLong(0)).isEqualTo(7L);
    assertThat(st.args().getString(1)).isEqualTo("jake");
    assertThat(st.sql()).contains("LIMIT $3::int OFFSET $4::int");
  }
}
