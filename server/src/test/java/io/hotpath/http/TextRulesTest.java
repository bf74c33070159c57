package io.hotpath.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotpath.error.ApiException;
import io.hotpath.http.TextRules.Kind;
import org.junit.jupiter.api.Test;

/** Stored text: well-formed UTF-16, no controls in single lines, newlines kept in bodies. */
class TextRulesTest {
  @Test
  void unpaired_surrogates_are_refused_everywhere_and_pairs_are_fine() {
    for (Kind k : Kind.values()) {
      assertThatThrownBy(() -> TextRules.check("f", "a\uD800b", k))
          .isInstanceOf(ApiException.Invalid.class);
      assertThatThrownBy(() -> TextRules.check("f", "a\uDC00", k))
          .isInstanceOf(ApiException.Invalid.class);
      assertThat(TextRules.check("f", "dragon \uD83D\uDC09", k)).isNotNull();
    }
  }

  @Test
  void single_lines_refuse_controls_and_bidi_overrides() {
    for (String bad :
        new String[] {"a\nb", "a\tb", "a\u0085b", "a\u007Fb", "a\u202Eb", "a\u2067b"}) {
      assertThatThrownBy(() -> TextRules.check("title", bad, Kind.LINE))
          .as(bad)
          .isInstanceOf(ApiException.Invalid.class);
    }
    assertThat(TextRules.check("title", "שלום \u200F world", Kind.LINE)).isNotNull();
  }

  @Test
  void bodies_keep_newlines_tabs_and_rtl_controls_but_not_other_controls() {
    assertThat(TextRules.check("body", "a\n\tb\r\nc \u202E", Kind.MULTILINE)).isNotNull();
    assertThatThrownBy(() -> TextRules.check("body", "a\u0008b", Kind.MULTILINE))
        .isInstanceOf(ApiException.Invalid.class);
    assertThatThrownBy(() -> TextRules.check("body", "a\u0000b", Kind.MULTILINE))
        .isInstanceOf(ApiException.Invalid.class);
  }

  @Test
  void percent_encoding_must_be_two_hex_digits() {
    assertThat(EdgeGuard.validPercentEncoding("/a%20b?x=%E2%9C%93")).isTrue();
    assertThat(EdgeGuard.validPercentEncoding("/a?x=%zz")).isFalse();
    assertThat(EdgeGuard.validPercentEncoding("/a?x=%")).isFalse();
    assertThat(EdgeGuard.validPercentEncoding("/a?x=%4")).isFalse();
  }
}
