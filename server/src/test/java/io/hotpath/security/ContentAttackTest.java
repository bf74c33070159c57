package io.hotpath.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Findings 15 and 16, and the bound on rate-limit state: stored text cannot carry script URLs,
 * invisible controls or broken UTF-16, and 20,000 distinct keys do not grow the server's limiter
 * state past its stated bound.
 */
class ContentAttackTest {
  static final TestServer server = TestServer.get();

  static String article(String token, String title, String description, String body, String tags) {
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\""
                + title
                + "\",\"description\":\""
                + description
                + "\",\"body\":\""
                + body
                + "\",\"tagList\":"
                + tags
                + "}}",
            token);
    return r.status() + " " + r.body();
  }

  @Test
  void script_bearing_urls_do_not_survive_markdown_rendering() {
    String token = server.register("md_" + TestServer.uid());
    String body =
        "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
            + "![b](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=) "
            + "[c](vbscript:msgbox) [d](file:///etc/passwd) [e](JaVaScRiPt:alert(1)) "
            + "[ok1](https://example.com/x) [ok2](http://example.com/y) [ok3](mailto:a@b.c) [rel](/articles/z)";
    String created = article(token, "Schemes " + TestServer.uid(), "d", body, "[]");
    assertThat(created).startsWith("201");
    String slug = created.replaceAll(".*\"slug\":\"([^\"]+)\".*", "$1");
    String html =
        server
            .get("/api/articles/" + slug + "?html=true", null)
            .json()
            .at("/article/bodyHtml")
            .asText();
    assertThat(html.toLowerCase())
        .doesNotContain("data:")
        .doesNotContain("vbscript:")
        .doesNotContain("file:")
        .doesNotContain("javascript:");
    assertThat(html)
        .contains("href=\"https://example.com/x\"")
        .contains("href=\"http://example.com/y\"")
        .contains("href=\"mailto:a@b.c\"")
        .contains("href=\"/articles/z\"");
  }

  @Test
  void controls_bidi_overrides_and_broken_utf16_are_rejected_where_they_have_no_place() {
    String token = server.register("ctl_" + TestServer.uid());
    String u = TestServer.uid();
    var refused = new ArrayList<String>();
    String[][] bad = {
      {"title \\ud800 " + u, "d", "b", "[]"},
      {"title \\udc00x " + u, "d", "b", "[]"},
      {"bell \\u0007 " + u, "d", "b", "[]"},
      {"rlo \\u202e " + u, "d", "b", "[]"},
      {"esc \\u001b " + u, "d", "b", "[]"},
      {"nl \\n " + u, "d", "b", "[]"},
      {"t1 " + u, "desc \\u2066 isolate", "b", "[]"},
      {"t2 " + u, "desc \\u0085 next line", "b", "[]"},
      {"t3 " + u, "d", "body \\ud83d alone", "[]"},
      {"t4 " + u, "d", "body \\u0000 nul", "[]"},
      {"t5 " + u, "d", "body \\u0008 backspace", "[]"},
      {"t6 " + u, "d", "b", "[\"tag\\u202e\"]"},
      {"t7 " + u, "d", "b", "[\"tag\\u0009tab\"]"},
      {"t8 " + u, "d", "b", "[\"\\udfff\"]"}
    };
    for (String[] c : bad) {
      String r = article(token, c[0], c[1], c[2], c[3]);
      if (!r.startsWith("422")) {
        refused.add(String.join(" | ", c) + " -> " + r);
      }
    }
    assertThat(refused).as("accepted although they should be 422").isEmpty();
    // bodies keep newlines, tabs and carriage returns, and any script (emoji, RTL text) is fine
    assertThat(article(token, "ok " + u, "שלום עולם", "line\\n\\tindented\\r\\nend 😀", "[\"日本\"]"))
        .startsWith("201");
    var user =
        server.post(
            "/api/users",
            "{\"user\":{\"username\":\"u\\u0007"
                + TestServer.uid()
                + "\",\"email\":\"c"
                + TestServer.uid()
                + "@x.io\",\"password\":\"password123\"}}",
            null);
    assertThat(user.status()).isEqualTo(422);
    var comment =
        server.post(
            "/api/articles/anything/comments", "{\"comment\":{\"body\":\"\\ud800\"}}", token);
    assertThat(comment.status()).isEqualTo(422);
  }

  @Test
  void twenty_thousand_distinct_clients_and_accounts_keep_rate_limit_state_bounded()
      throws Exception {
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "RATE_LIMIT", "on",
                    "TRUST_PROXY", "true",
                    "RATE_LIMIT_MAX_KEYS", "5000",
                    "RATE_LIMIT_AUTH_PER_MINUTE", "1000000")))) {
      var s = new TestServer(app);
      var threads = new ArrayList<Thread>();
      for (int t = 0; t < 8; t++) {
        int slice = t;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = slice; i < 20_000; i += 8) {
                        s.send(
                            "POST",
                            "/api/users/login",
                            // no password: refused by validation after the limits, no bcrypt
                            "{\"user\":{\"email\":\"nobody" + i + "@x.io\"}}",
                            null,
                            Map.of(
                                "X-Forwarded-For",
                                "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)));
                      }
                    }));
      }
      for (var th : threads) {
        th.join();
      }
      double keys = 0;
      for (String line : s.get("/metrics", null).body().split("\n")) {
        if (line.startsWith("hotpath_ratelimit_keys")) {
          keys += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      System.out.println("RATE LIMIT KEYS after 20,000 distinct clients and accounts: " + keys);
      // four limits (request, auth, login per account and client, login per account)
      assertThat(keys).as("rate-limit keys held").isPositive().isLessThanOrEqualTo(5000 * 4);
    }
  }
}
