package io.hotpath.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.EmbeddedPostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Findings 6, 9 and 10: nobody can lock another user out from elsewhere, impersonate a username
 * with lookalike characters, or keep using a token after the password behind it changed.
 */
class AccountAttackTest {
  static final TestServer server = TestServer.get();

  static String login(TestServer s, String email, String password, String clientIp) {
    return s.send(
                "POST",
                "/api/users/login",
                "{\"user\":{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}",
                null,
                Map.of("X-Forwarded-For", clientIp))
            .status()
        + "";
  }

  @Test
  void wrong_passwords_from_one_client_do_not_lock_the_owner_out_from_another() throws Exception {
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "RATE_LIMIT", "on",
                    "TRUST_PROXY", "true",
                    "RATE_LIMIT_AUTH_PER_MINUTE", "1000",
                    "RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE", "10")))) {
      var s = new TestServer(app);
      String u = "owner_" + TestServer.uid();
      s.register(u);
      String email = u + "@example.com";
      var attacker = new ArrayList<String>();
      for (int i = 0; i < 12; i++) {
        attacker.add(login(s, email, "guess-" + i, "203.0.113.7"));
      }
      // the attacker's own client is held to the strict limit
      assertThat(attacker.subList(0, 10)).containsOnly("401");
      assertThat(attacker.subList(10, 12)).containsOnly("429");
      // the owner, elsewhere, still gets in
      assertThat(login(s, email, "password123", "198.51.100.9")).isEqualTo("200");
    }
  }

  @Test
  void an_attacker_spread_over_many_clients_still_meets_a_per_account_cap() throws Exception {
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "RATE_LIMIT", "on",
                    "TRUST_PROXY", "true",
                    "RATE_LIMIT_AUTH_PER_MINUTE", "1000",
                    "RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE", "10",
                    "RATE_LIMIT_LOGIN_ACCOUNT_CAP_PER_MINUTE", "30")))) {
      var s = new TestServer(app);
      String u = "spread_" + TestServer.uid();
      s.register(u);
      var statuses = new ArrayList<String>();
      for (int i = 0; i < 40; i++) {
        statuses.add(login(s, u + "@example.com", "guess", "203.0.113." + (i % 20)));
      }
      assertThat(statuses.subList(0, 30)).containsOnly("401");
      assertThat(statuses.subList(30, 40)).containsOnly("429");
    }
  }

  @Test
  void lookalike_usernames_cannot_register_as_different_users() {
    String base = "alice" + TestServer.uid().replaceAll("[^a-z0-9]", "");
    String taken = base + "_x";
    server.register(taken);
    var variants =
        List.of(
            taken.toUpperCase(),
            taken.substring(0, 1).toUpperCase() + taken.substring(1),
            toFullwidth(taken),
            "\u0430" + taken.substring(1), // Cyrillic a
            taken.substring(0, 2) + "\u200B" + taken.substring(2), // zero-width space
            taken.substring(0, 2) + "\u200D" + taken.substring(2), // zero-width joiner
            taken.substring(0, 2) + "\u00A0" + taken.substring(2), // no-break space
            "\u202E" + taken, // right-to-left override
            taken.substring(0, 1) + "\u0301" + taken.substring(1), // combining acute
            taken + "\u2060", // word joiner
            taken.replace("_", "\uFF3F")); // fullwidth low line
    var accepted = new ArrayList<String>();
    for (String v : variants) {
      var r =
          server.post(
              "/api/users",
              "{\"user\":{\"username\":\""
                  + v
                  + "\",\"email\":\""
                  + TestServer.uid()
                  + "@x.io\",\"password\":\"password123\"}}",
              null);
      if (r.status() != 409 && r.status() != 422) {
        accepted.add(v.codePoints().mapToObj(Integer::toHexString).toList() + " -> " + r.status());
      }
    }
    assertThat(accepted).as("lookalikes of " + taken + " that registered").isEmpty();
    // a renaming to a lookalike is refused the same way
    String other = server.register("bob" + TestServer.uid().replaceAll("[^a-z0-9]", ""));
    assertThat(
            server
                .put(
                    "/api/user", "{\"user\":{\"username\":\"" + taken.toUpperCase() + "\"}}", other)
                .status())
        .isEqualTo(409);
  }

  @Test
  void existing_lookalike_usernames_are_reported_by_the_migration_not_renamed() throws Exception {
    try (var pg =
        EmbeddedPostgresServer.start(
            io.hotpath.TestServer.tempDir("hotpath-collide").resolve("pg"), false)) {
      String jdbc = "jdbc:postgresql://localhost:" + pg.port() + "/postgres";
      Flyway.configure()
          .dataSource(jdbc, "postgres", null)
          .locations("classpath:db/migration")
          .target("3")
          .load()
          .migrate();
      try (var c = java.sql.DriverManager.getConnection(jdbc, "postgres", null);
          var st = c.createStatement()) {
        st.execute(
            "INSERT INTO users (username, email, password_hash) VALUES"
                + " ('Bob', 'b1@x.io', 'h'), ('bob', 'b2@x.io', 'h'), ('\uFF42\uFF4F\uFF42', 'b3@x.io', 'h'),"
                + " ('carol', 'c@x.io', 'h')");
      }
      try (var app = Hotpath.start(TestServer.config(Map.of("DATABASE_URL", pg.url())))) {
        assertThat(
                Probe.scalar(
                    app,
                    "SELECT count(*) FROM users WHERE username IN ('Bob', 'bob', '\uFF42\uFF4F\uFF42', 'carol')"))
            .as("no user renamed")
            .isEqualTo(4);
        assertThat(Probe.scalar(app, "SELECT count(*) FROM username_collisions"))
            .as("the two later lookalikes of Bob are reported")
            .isEqualTo(2);
        assertThat(
                Probe.scalar(
                    app,
                    "SELECT count(DISTINCT kept_user_id) FROM username_collisions WHERE kept_user_id = (SELECT id FROM users WHERE username = 'Bob')"))
            .isEqualTo(1);
        // and a new lookalike is refused
        var s = new TestServer(app);
        assertThat(
                s.post(
                        "/api/users",
                        "{\"user\":{\"username\":\"BOB\",\"email\":\"b4@x.io\",\"password\":\"password123\"}}",
                        null)
                    .status())
            .isEqualTo(409);
      }
    }
  }

  @Test
  void a_password_change_revokes_the_other_sessions_tokens_and_keeps_the_callers() {
    String u = "rotate_" + TestServer.uid();
    String mine = server.register(u);
    // the same account signed in elsewhere (another device, or a thief with a copied token)
    String elsewhere = server.login(u + "@example.com", "password123");
    assertThat(server.get("/api/user", elsewhere).status()).isEqualTo(200);
    var changed = server.put("/api/user", "{\"user\":{\"password\":\"another-password\"}}", mine);
    assertThat(changed.status()).isEqualTo(200);
    String fresh = changed.json().at("/user/token").asText();
    assertThat(fresh).isNotEqualTo(mine);
    assertThat(server.get("/api/user", elsewhere).status())
        .as("a token of another session, from before the change")
        .isEqualTo(401);
    assertThat(server.post("/api/articles/x/favorite", null, elsewhere).status()).isEqualTo(401);
    // the session that changed the password stays signed in (the RealWorld suites rely on it)
    assertThat(server.get("/api/user", mine).status()).isEqualTo(200);
    assertThat(server.get("/api/user", fresh).status()).isEqualTo(200);
    // a second change from the fresh token revokes the first token too: it is another session now
    assertThat(
            server.put("/api/user", "{\"user\":{\"password\":\"third-password\"}}", fresh).status())
        .isEqualTo(200);
    assertThat(server.get("/api/user", mine).status()).isEqualTo(401);
    assertThat(server.get("/api/user", fresh).status()).isEqualTo(200);
    // changing other fields does not revoke anything
    assertThat(server.put("/api/user", "{\"user\":{\"bio\":\"hi\"}}", fresh).status())
        .isEqualTo(200);
    assertThat(server.get("/api/user", fresh).status()).isEqualTo(200);
  }

  static String toFullwidth(String s) {
    var sb = new StringBuilder();
    s.chars()
        .forEach(
            c ->
                sb.append(
                    c >= '!' && c <= '~' && c != '_' ? (char) (c - '!' + '\uFF01') : (char) c));
    return sb.toString();
  }
}
