package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Work off the request path, end to end: e-mail, notifications, webhooks, exports, the dashboard,
 * Markdown.
 */
class AsyncFeaturesTest {
  static final TestServer server = TestServer.get();

  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  static int freePort() throws Exception {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void registration_sends_a_welcome_email_over_smtp() throws Exception {
    int port = freePort();
    var greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    greenMail.start();
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of("SMTP_HOST", "127.0.0.1", "SMTP_PORT", Integer.toString(port))))) {
      var s = new TestServer(app);
      String u = "mail_" + TestServer.uid();
      s.register(u);
      assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
      var m = greenMail.getReceivedMessages()[0];
      assertThat(m.getAllRecipients()[0].toString()).isEqualTo(u + "@example.com");
      assertThat(m.getSubject()).contains(u);
      // a failed registration (taken username) rolls back, and with it its e-mail job
      var dup =
          s.post(
              "/api/users",
              "{\"user\":{\"username\":\""
                  + u
                  + "\",\"email\":\"other_"
                  + u
                  + "@example.com\",\"password\":\"password123\"}}",
              null);
      assertThat(dup.status()).isEqualTo(409);
      assertThat(
              app.db()
                  .pool()
                  .preparedQuery(
                      "SELECT count(*) AS n FROM jobs WHERE kind = 'email.welcome'"
                          + " AND payload->>'email' = $1")
                  .execute(io.vertx.sqlclient.Tuple.of("other_" + u + "@example.com"))
                  .await()
                  .iterator()
                  .next()
                  .getLong("n"))
          .as("no welcome job for the registration that failed")
          .isZero();
      assertThat(greenMail.getReceivedMessages()).hasSize(1);
    } finally {
      greenMail.stop();
    }
  }

  @Test
  void without_smtp_mail_goes_to_the_outbox_folder() throws Exception {
    var dir = io.hotpath.TestServer.tempDir("hotpath-outbox");
    try (var app = Hotpath.start(TestServer.config(Map.of("DATA_DIR", dir.toString())))) {
      var s = new TestServer(app);
      String u = "outbox_" + TestServer.uid();
      s.register(u);
      var outbox = dir.resolve("outbox");
      eventually(
          "an .eml in " + outbox,
          () -> {
            try (var files = Files.list(outbox)) {
              return files.anyMatch(p -> p.toString().endsWith(".eml"));
            } catch (java.io.IOException e) {
              return false;
            }
          });
      try (var files = Files.list(outbox)) {
        String eml =
            Files.readString(
                files.filter(p -> p.toString().endsWith(".eml")).findFirst().orElseThrow());
        assertThat(eml).contains("To: " + u + "@example.com").contains("Welcome to Conduit");
      }
    }
  }

  @Test
  void follows_favorites_and_comments_notify_the_other_user_with_an_unread_count()
      throws Exception {
    String u = TestServer.uid();
    String author = "na_" + u;
    String authorToken = server.register(author);
    String fan = server.register("nf_" + u);
    String slug = server.article(authorToken, "Notified " + u);
    server.post("/api/profiles/" + author + "/follow", null, fan);
    server.post("/api/articles/" + slug + "/favorite", null, fan);
    server.post("/api/articles/" + slug + "/favorite", null, fan); // twice: still one notification
    server.post("/api/articles/" + slug + "/comments", "{\"comment\":{\"body\":\"nice\"}}", fan);
    server.post(
        "/api/articles/" + slug + "/comments",
        "{\"comment\":{\"body\":\"my own\"}}",
        authorToken); // no self-notification
    eventually(
        "three notifications",
        () ->
            server.get("/api/notifications", authorToken).json().get("notifications").size() == 3);
    var n = server.get("/api/notifications", authorToken).json();
    assertThat(n.get("unreadCount").asLong()).isEqualTo(3);
    assertThat(n.at("/notifications/0/type").asText()).isEqualTo("comment"); // newest first
    assertThat(n.at("/notifications/0/actor/username").asText()).isEqualTo("nf_" + u);
    assertThat(n.at("/notifications/0/article/slug").asText()).isEqualTo(slug);
    assertThat(n.toString()).contains("\"follow\"").contains("\"favorite\"");
    assertThat(
            server
                .post("/api/notifications/read", null, authorToken)
                .json()
                .get("unreadCount")
                .asLong())
        .isZero();
    assertThat(server.get("/api/notifications", fan).json().get("unreadCount").asLong()).isZero();
  }

  @Test
  void webhooks_are_signed_and_a_failing_target_is_retried_then_dead() throws Exception {
    var received = new CopyOnWriteArrayList<String[]>(); // body, signature
    var hits = new AtomicInteger();
    var target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/ok",
        ex -> {
          received.add(
              new String[] {
                new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                ex.getRequestHeaders().getFirst("X-Hotpath-Signature")
              });
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    target.createContext(
        "/fail",
        ex -> {
          hits.incrementAndGet();
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(500, -1);
          ex.close();
        });
    target.start();
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "WEBHOOKS_ALLOW_PRIVATE",
                    "true",
                    "JOBS_MAX_ATTEMPTS",
                    "3",
                    "JOBS_BACKOFF_MS",
                    "50",
                    "JOBS_POLL_MS",
                    "50",
                    "ADMIN_TOKEN",
                    "admin-secret-token")))) {
      var s = new TestServer(app);
      String u = TestServer.uid();
      String owner = "wh_" + u;
      String ownerToken = s.register(owner);
      String base = "http://127.0.0.1:" + target.getAddress().getPort();
      var ok =
          s.post(
              "/api/webhooks",
              "{\"webhook\":{\"url\":\"" + base + "/ok\",\"events\":[\"follow\"]}}",
              ownerToken);
      assertThat(ok.status()).isEqualTo(201);
      String secret = ok.json().at("/webhook/secret").asText();
      var failing =
          s.post(
              "/api/webhooks",
              "{\"webhook\":{\"url\":\"" + base + "/fail\",\"events\":[\"follow\"]}}",
              ownerToken);
      assertThat(failing.status()).isEqualTo(201);
      long failingId = failing.json().at("/webhook/id").asLong();

      String follower = s.register("whf_" + u);
      long t0 = System.nanoTime();
      assertThat(s.post("/api/profiles/" + owner + "/follow", null, follower).status())
          .isEqualTo(200);
      assertThat((System.nanoTime() - t0) / 1_000_000)
          .as("the follow does not wait for webhooks")
          .isLessThan(1000);

      eventually("one signed delivery", () -> received.size() == 1);
      String body = received.get(0)[0];
      String sig = received.get(0)[1];
      String t = sig.substring(2, sig.indexOf(','));
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected =
          java.util.HexFormat.of()
              .formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
      assertThat(sig).isEqualTo("t=" + t + ",v1=" + expected);
      assertThat(body).contains("\"event\":\"follow\"");

      eventually(
          "the failing target dead after 3 attempts",
          () ->
              s.send(
                      "GET",
                      "/api/admin/jobs",
                      null,
                      null,
                      Map.of("X-Admin-Token", "admin-secret-token"))
                  .body()
                  .contains("\"webhookId\":" + failingId));
      assertThat(hits.get()).isEqualTo(3);
      var admin =
          s.send(
                  "GET",
                  "/api/admin/jobs",
                  null,
                  null,
                  Map.of("X-Admin-Token", "admin-secret-token"))
              .json();
      assertThat(admin.at("/dead/0/attempts").asInt()).isEqualTo(3);
      assertThat(admin.at("/dead/0/kind").asText()).isEqualTo("webhook.deliver");
      var hooks = s.get("/api/webhooks", ownerToken).json().get("webhooks");
      List<Integer> statuses = new ArrayList<>();
      hooks.forEach(h -> statuses.add(h.get("lastStatus").asInt()));
      assertThat(statuses).containsExactlyInAnyOrder(200, 500);
      assertThat(s.get("/api/admin/jobs", null).status()).isEqualTo(401);
      eventually(
          "no delivery queued or running",
          () ->
              app.db()
                      .pool()
                      .query(
                          "SELECT count(*) AS n FROM jobs WHERE kind = 'webhook.deliver'"
                              + " AND status IN ('queued', 'running')")
                      .execute()
                      .await()
                      .iterator()
                      .next()
                      .getLong("n")
                  == 0);
      assertThat(received).hasSize(1); // delivered once, not again
    } finally {
      target.stop(0);
    }
  }

  @Test
  void webhooks_to_private_addresses_are_refused_by_default() {
    String t = server.register("ssrf_" + TestServer.uid());
    for (String url :
        new String[] {
          "http://127.0.0.1:9/x",
          "http://10.0.0.1/x",
          "http://169.254.169.254/latest",
          "ftp://example.com/"
        }) {
      var r = server.post("/api/webhooks", "{\"webhook\":{\"url\":\"" + url + "\"}}", t);
      assertThat(r.status()).as(url).isEqualTo(422);
      assertThat(r.json().at("/errors/url/0").asText()).as(url).isNotBlank();
    }
  }

  @Test
  void export_streams_ndjson_and_csv_and_runs_as_a_job() throws Exception {
    String u = TestServer.uid();
    String author = "ex_" + u;
    String t = server.register(author);
    server.article(t, "Export one " + u, "x");
    server.post(
        "/api/articles",
        "{\"article\":{\"title\":\"Export, \\\"two\\\" "
            + u
            + "\",\"description\":\"d\",\"body\":\"line1\\nline2\"}}",
        t);
    var nd = server.get("/api/articles/export?author=" + author, t);
    assertThat(nd.status()).isEqualTo(200);
    assertThat(nd.header("Content-Type")).isEqualTo("application/x-ndjson");
    String[] lines = nd.body().split("\n");
    assertThat(lines).hasSize(2);
    var first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines[0]);
    assertThat(first.get("title").asText()).isEqualTo("Export one " + u);
    assertThat(first.get("author").asText()).isEqualTo(author);
    var csv = server.get("/api/articles/export?author=" + author + "&format=csv", t).body();
    assertThat(csv)
        .startsWith("slug,title,")
        .contains("\"Export, \"\"two\"\" " + u + "\"")
        .contains("\"line1\nline2\"");
    assertThat(server.get("/api/articles/export", null).status()).isEqualTo(401);

    var queued = server.post("/api/articles/export?author=" + author, null, t);
    assertThat(queued.status()).isEqualTo(202);
    long id = queued.json().at("/export/id").asLong();
    eventually("the export file", () -> server.get("/api/exports/" + id, t).status() == 200);
    assertThat(server.get("/api/exports/" + id, t).body().split("\n")).hasSize(2);
    String other = server.register("exo_" + u);
    assertThat(server.get("/api/exports/" + id, other).status()).isEqualTo(404);
  }

  @Test
  void markdown_bodies_render_to_sanitised_html_on_request() {
    String t = server.register("md_" + TestServer.uid());
    var r =
        server.post(
            "/api/articles",
            "{\"article\":{\"title\":\"MD "
                + TestServer.uid()
                + "\",\"description\":\"d\","
                + "\"body\":\"# Heading\\n\\n*em* <script>alert(1)</script> [x](javascript:alert(1))\"}}",
            t);
    String slug = r.json().at("/article/slug").asText();
    assertThat(server.get("/api/articles/" + slug, null).json().has("bodyHtml")).isFalse();
    String html =
        server
            .get("/api/articles/" + slug + "?html=true", null)
            .json()
            .at("/article/bodyHtml")
            .asText();
    assertThat(html)
        .contains("<h1>Heading</h1>")
        .contains("<em>em</em>")
        .contains("&lt;script&gt;")
        .doesNotContain("<script>")
        .doesNotContain("javascript:");
  }

  @Test
  void the_dashboard_answers_in_parallel_and_degrades_a_part_that_times_out() throws Exception {
    String u = TestServer.uid();
    String me = "db_" + u;
    String t = server.register(me);
    String other = "dbo_" + u;
    String otherToken = server.register(other);
    server.article(t, "Mine " + u);
    server.article(otherToken, "Theirs " + u);
    server.post("/api/profiles/" + other + "/follow", null, t);
    server.post("/api/profiles/" + me + "/follow", null, otherToken);
    var d = server.get("/api/dashboard", t).json().get("dashboard");
    assertThat(d.at("/profile/username").asText()).isEqualTo(me);
    assertThat(d.at("/latestArticles/0/title").asText()).isEqualTo("Mine " + u);
    assertThat(d.at("/feed/0/title").asText()).isEqualTo("Theirs " + u);
    assertThat(d.at("/counts/followers").asLong()).isEqualTo(1);
    assertThat(d.get("degraded")).isEmpty();

    // hold a lock that blocks the notifications part: it times out, the rest still answers
    try (var app = Hotpath.start(TestServer.config(Map.of("DASHBOARD_PART_TIMEOUT_MS", "700")))) {
      var s = new TestServer(app);
      String tok = s.register("dbl_" + u);
      var tx = app.db().pool().getConnection().await();
      try {
        tx.query("BEGIN").execute().await();
        tx.query("LOCK TABLE notifications IN ACCESS EXCLUSIVE MODE").execute().await();
        long t0 = System.nanoTime();
        var r = s.get("/api/dashboard", tok);
        assertThat(r.status()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        assertThat(r.json().at("/dashboard/degraded").toString()).isEqualTo("[\"notifications\"]");
        assertThat(r.json().at("/dashboard/profile/username").asText()).isEqualTo("dbl_" + u);
        assertThat(r.json().at("/dashboard/notifications/unreadCount").asLong()).isZero();
      } finally {
        tx.query("ROLLBACK").execute().await();
        tx.close().await();
      }
    }
  }
}
