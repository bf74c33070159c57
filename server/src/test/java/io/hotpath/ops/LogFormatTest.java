package io.hotpath.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogFormatTest {
  @Test
  void auto_writes_text_for_a_terminal_and_json_for_a_pipe() {
    assertThat(LogFormat.resolve(null, true)).isEqualTo("text");
    assertThat(LogFormat.resolve("auto", true)).isEqualTo("text");
    assertThat(LogFormat.resolve(null, false)).isEqualTo("json");
    assertThat(LogFormat.resolve("AUTO", false)).isEqualTo("json");
  }

  @Test
  void an_explicit_format_wins_over_the_terminal() {
    assertThat(LogFormat.resolve("json", true)).isEqualTo("json");
    assertThat(LogFormat.resolve("text", false)).isEqualTo("text");
  }
}
