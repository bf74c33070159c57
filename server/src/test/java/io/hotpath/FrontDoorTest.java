package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.ops.BuildInfo;
import org.junit.jupiter.api.Test;

/** What a person opening the server in a browser, or a deploy script, finds first. */
class FrontDoorTest {
  static final TestServer server = TestServer.get();

  @Test
  void the_root_is_a_page_naming_the_build_and_where_to_look() {
    var r = server.get("/", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    BuildInfo b = BuildInfo.current();
    assertThat(b.commit()).as("the build wrote its commit").isNotEqualTo("unknown");
    assertThat(r.body())
        .contains(b.version(), b.commit(), b.buildTime())
        .contains("href=\"/status\"", "href=\"/health/ready\"", "href=\"/metrics\"");
  }

  @Test
  void the_version_document_carries_the_same_build() throws Exception {
    var r = server.get("/api/version", null);
    assertThat(r.status()).isEqualTo(200);
    var json = new ObjectMapper().readTree(r.body());
    BuildInfo b = BuildInfo.current();
    assertThat(json.path("version").asText()).isEqualTo(b.version()).isNotEqualTo("unknown");
    assertThat(json.path("commit").asText()).isEqualTo(b.commit());
    assertThat(json.path("buildTime").asText()).isEqualTo(b.buildTime());
  }
}
