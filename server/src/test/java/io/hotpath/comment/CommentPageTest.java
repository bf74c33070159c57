package io.hotpath.comment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a kept comment page becomes when a comment is committed (CommentCache's write-through). */
class CommentPageTest {
  private static CommentCore c(long id, String body) {
    return new CommentCore(id, body, "t", "t", 7);
  }

  private static List<Long> ids(CommentPage p) {
    return p.comments().stream().map(CommentCore::id).toList();
  }

  @Test
  void a_new_comment_goes_in_id_order_even_when_it_committed_after_a_later_one() {
    var page = new CommentPage(List.of(c(1, "a"), c(5, "b")), false);
    assertThat(ids(page.with(c(9, "c"), 100, 1000))).containsExactly(1L, 5L, 9L);
    assertThat(ids(page.with(c(3, "c"), 100, 1000))).containsExactly(1L, 3L, 5L);
    assertThat(ids(new CommentPage(List.of(), false).with(c(2, "x"), 100, 1000)))
        .containsExactly(2L);
  }

  @Test
  void a_comment_a_load_already_found_is_not_added_twice() {
    var page = new CommentPage(List.of(c(1, "a"), c(5, "b")), false);
    assertThat(page.with(c(5, "b"), 100, 1000)).isSameAs(page);
  }

  @Test
  void a_page_cut_short_keeps_itself_for_a_later_comment_and_needs_a_load_for_an_earlier_one() {
    var page = new CommentPage(List.of(c(1, "a"), c(5, "b")), true);
    assertThat(page.with(c(9, "c"), 100, 1000)).isSameAs(page);
    assertThat(page.with(c(3, "c"), 100, 1000)).isNull();
  }

  @Test
  void a_comment_that_would_exceed_what_one_entry_keeps_needs_a_load() {
    var two = new CommentPage(List.of(c(1, "a"), c(2, "b")), false);
    assertThat(two.with(c(3, "c"), 2, 1000)).as("count").isNull();
    assertThat(two.with(c(3, "cccc"), 100, 5)).as("characters").isNull();
    assertThat(ids(two.with(c(3, "ccc"), 3, 5))).containsExactly(1L, 2L, 3L);
  }
}
