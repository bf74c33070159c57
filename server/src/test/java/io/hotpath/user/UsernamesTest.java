package io.hotpath.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotpath.error.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usernames: the uniqueness key, and what may not be in one. */
class UsernamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"Alice", "ALICE", "\uFF21\uFF2C\uFF29\uFF23\uFF25", "a\u0301lice", "\u00e1lice"})
  void case_width_and_accents_fold_to_one_key(String name) {
    assertThat(Usernames.key(name)).isEqualTo("alice");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ali ce",
        "ali\u00A0ce",
        "ali\u200Bce",
        "ali\u200Dce",
        "\u202Ealice",
        "alice\u2060",
        "ali\u0007ce",
        "\u0430lice",
        "ali/ce",
        "\uE000alice",
        " "
      })
  void invisible_spacing_control_and_mixed_script_names_are_refused(String name) {
    assertThatThrownBy(() -> Usernames.validate(name)).isInstanceOf(ApiException.Invalid.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jake", "ünï_😀", "日本語の名前", "Łukasz", "Ολυμπία", "kim김", "user10"})
  void names_in_one_script_or_an_allowed_mix_are_fine(String name) {
    assertThat(Usernames.validate(name)).isEqualTo(name);
  }
}
