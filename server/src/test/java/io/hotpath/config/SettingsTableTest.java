package io.hotpath.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every setting is declared once: the README's table lists exactly the declared keys. */
class SettingsTableTest {
  private static final Pattern KEY = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

  static LinkedHashSet<String> readmeKeys() throws Exception {
    var readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("## Configuration");
    int end = readme.indexOf("\n## ", start + 1);
    var keys = new LinkedHashSet<String>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (line.startsWith("| `")) {
        var first = line.substring(1, line.indexOf('|', 1));
        var m = KEY.matcher(first);
        while (m.find()) {
          keys.add(m.group(1));
        }
      }
    }
    return keys;
  }

  @Test
  void the_readme_settings_table_lists_exactly_the_declared_keys() throws Exception {
    var declared = Config.declared().stream().map(Key::name).toList();
    assertThat(readmeKeys()).containsExactlyInAnyOrderElementsOf(declared);
  }

  @Test
  void every_key_is_read_once_and_has_a_doc_line() {
    var keys = Config.declared();
    assertThat(keys.stream().map(Key::name).distinct().count()).isEqualTo(keys.size());
    assertThat(keys).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
  }

  @Test
  void an_invalid_value_is_refused_naming_the_key_and_secrets_stay_masked() {
    assertThatThrownBy(() -> Config.fromEnv(Map.of("EXPORT_STREAMS_PER_USER", "0")))
        .hasMessageContaining("EXPORT_STREAMS_PER_USER")
        .hasMessageContaining("'0'");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("JWT_SECRET", "short-secret")))
        .hasMessageContaining("JWT_SECRET")
        .hasMessageNotContaining("short-secret");
    var shown = Config.fromEnv(Map.of("REDIS_URL", "redis://u:hunter22@h:6379")).describe();
    assertThat(shown.get("REDIS_URL")).doesNotContain("hunter22");
    assertThat(shown).containsKeys("EXPORT_RETENTION_SECONDS", "MANAGEMENT_PORT", "LOG_FORMAT");
  }
}
