package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hotpath.config.Config;
import io.hotpath.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded default keeps its data across restarts; bad settings stop start-up by name. */
class EmbeddedDataTest {

  @Test
  void data_written_before_a_restart_is_there_after_it() throws Exception {
    var dir = io.hotpath.TestServer.tempDir("hotpath-restart");
    var config =
        TestServer.config(Map.of("DATA_DIR", dir.toString(), "JWT_SECRET", "x".repeat(40)));
    String slug;
    try (var first = Hotpath.start(config)) {
      var client = new TestServer(first);
      String token = client.register("restart_user");
      slug = client.article(token, "Survives restarts");
    }
    try (var second = Hotpath.start(config)) {
      var client = new TestServer(second);
      var r = client.get("/api/articles/" + slug, null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().at("/article/author/username").asText()).isEqualTo("restart_user");
    }
  }

  @Test
  void without_jwt_secret_a_token_survives_a_restart_and_the_kept_secret_is_owner_only()
      throws Exception {
    var dir = io.hotpath.TestServer.tempDir("hotpath-secret");
    var config = TestServer.config(Map.of("DATA_DIR", dir.toString()));
    String token;
    try (var first = Hotpath.start(config)) {
      token = new TestServer(first).register("kept_secret_user");
    }
    var kept = dir.resolve("jwt-secret");
    assertThat(java.nio.file.Files.getPosixFilePermissions(kept))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    try (var second = Hotpath.start(config)) {
      var r = new TestServer(second).get("/api/user", token);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/user/username").asText()).isEqualTo("kept_secret_user");
    }
  }

  @Test
  void invalid_settings_fail_fast_naming_key_and_value() {
    var env = new HashMap<String, String>();
    env.put("DB_POOL_SIZE", "lots");
    assertThatThrownBy(() -> Config.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DB_POOL_SIZE")
        .hasMessageContaining("lots");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("PORT", "70000"))).hasMessageContaining("PORT");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("JWT_SECRET", "short")))
        .hasMessageContaining("JWT_SECRET")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("DATABASE_URL", "mysql://x")))
        .hasMessageContaining("DATABASE_URL");
  }

  @Test
  void effective_config_masks_secrets() {
    var c =
        Config.fromEnv(
            Map.of(
                "JWT_SECRET",
                "s".repeat(40),
                "DATABASE_URL",
                "postgresql://bob:hunter2@db:5432/app"));
    assertThat(c.describe().toString())
        .doesNotContain("hunter2")
        .doesNotContain("ssssssss")
        .contains("<masked>");
  }
}
