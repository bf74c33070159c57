package io.hotpath.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Findings 4, 7 and 8: an export belongs to its owner alone, one user cannot fill the disk or the
 * job workers with exports, and a spreadsheet opening the CSV never runs a formula from an article.
 */
class ExportAttackTest {
  static final TestServer server = TestServer.get();

  @Test
  void another_users_job_id_is_not_found_on_the_exports_endpoint() {
    String u = TestServer.uid();
    String victim = "victim_" + u;
    String victimToken = server.register(victim);
    String snoop = server.register("snoop_" + u);
    // the victim's notification job (not an export), caused by the snoop following them
    server.post("/api/profiles/" + victim + "/follow", null, snoop);
    long job =
        Probe.scalar(
            server.app,
            "SELECT max(id) FROM jobs WHERE kind = 'notify' AND (payload->>'userId')::bigint ="
                + " (SELECT id FROM users WHERE username = $1)",
            victim);
    var asSnoop = server.get("/api/exports/" + job, snoop);
    assertThat(asSnoop.status()).as(asSnoop.body()).isEqualTo(404);
    // not an export at all: not found for its own user either
    assertThat(server.get("/api/exports/" + job, victimToken).status()).isEqualTo(404);
    // a welcome-mail job id, the oldest kind there is
    long welcome =
        Probe.scalar(server.app, "SELECT min(id) FROM jobs WHERE kind = 'email.welcome'");
    assertThat(server.get("/api/exports/" + welcome, snoop).status()).isEqualTo(404);
  }

  @Test
  void one_user_cannot_queue_unbounded_exports() throws Exception {
    try (var app = Hotpath.start(TestServer.config(Map.of("JOBS", "off")))) {
      var s = new TestServer(app);
      String token = s.register("hoarder_" + TestServer.uid());
      var ids = new HashSet<Long>();
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        var r = s.post("/api/articles/export?author=nobody" + i, null, token);
        if (r.status() == 202) {
          ids.add(r.json().at("/export/id").asLong());
        } else {
          assertThat(r.status()).as(r.body()).isEqualTo(429);
          refused++;
        }
      }
      assertThat(ids).as("distinct exports queued by one user").hasSize(3);
      assertThat(refused).isEqualTo(37);
      // another user is not affected by the first one's quota
      String other = s.register("other_" + TestServer.uid());
      assertThat(s.post("/api/articles/export", null, other).status()).isEqualTo(202);
    }
  }

  @Test
  void an_identical_pending_export_is_the_same_job() throws Exception {
    try (var app = Hotpath.start(TestServer.config(Map.of("JOBS", "off")))) {
      var s = new TestServer(app);
      String token = s.register("twice_" + TestServer.uid());
      var first = s.post("/api/articles/export?format=csv&author=x", null, token);
      var second = s.post("/api/articles/export?format=csv&author=x", null, token);
      assertThat(first.status()).isEqualTo(202);
      assertThat(second.status()).isEqualTo(202);
      assertThat(second.json().at("/export/id").asLong())
          .isEqualTo(first.json().at("/export/id").asLong());
    }
  }

  @Test
  void exports_expire_with_their_files() throws Exception {
    var dir = io.hotpath.TestServer.tempDir("hotpath-expire");
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "DATA_DIR", dir.toString(),
                    "JOBS_POLL_MS", "50",
                    "EXPORT_RETENTION_SECONDS", "2")))) {
      var s = new TestServer(app);
      String token = s.register("expire_" + TestServer.uid());
      long id = s.post("/api/articles/export", null, token).json().at("/export/id").asLong();
      assertThat(
              Probe.within(
                  10_000,
                  () ->
                      Probe.scalar(app, "SELECT count(*) FROM exports WHERE job_id = $1", id) == 1))
          .isTrue();
      Path file = dir.resolve("exports").resolve(id + ".ndjson");
      assertThat(Probe.within(15_000, () -> !Files.exists(file)))
          .as("the export file is deleted after its retention")
          .isTrue();
      assertThat(Probe.within(5_000, () -> s.get("/api/exports/" + id, token).status() == 404))
          .isTrue();
      assertThat(Probe.scalar(app, "SELECT count(*) FROM exports WHERE job_id = $1", id)).isZero();
    }
  }

  @Test
  void export_jobs_run_one_at_a_time_and_leave_workers_for_notifications() throws Exception {
    try (var app = Hotpath.start(TestServer.config(Map.of("JOBS", "off")))) {
      var s = new TestServer(app);
      String u = TestServer.uid();
      String author = "bulk_" + u;
      String authorToken = s.register(author);
      Probe.articles(app, author, 4, "row ");
      for (int i = 0; i < 4; i++) {
        assertThat(s.post("/api/articles/export", null, s.register("exp" + i + "_" + u)).status())
            .isEqualTo(202);
      }
      s.post("/api/profiles/" + author + "/follow", null, s.register("fan_" + u));
      // now a worker on the same database: four exports and one notification are due at once
      try (var worker =
          Hotpath.start(
              TestServer.config(
                  Map.of(
                      "DATABASE_URL",
                      "postgresql://postgres@localhost:" + port(s) + "/postgres",
                      "JOBS_POLL_MS",
                      "50")))) {
        int maxRunningExports = 0;
        boolean notifiedWhileExportsPending = false;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
          int running =
              (int)
                  Probe.scalar(
                      app,
                      "SELECT count(*) FROM jobs WHERE kind = 'export' AND status = 'running'");
          maxRunningExports = Math.max(maxRunningExports, running);
          long pending =
              Probe.scalar(
                  app,
                  "SELECT count(*) FROM jobs WHERE kind = 'export' AND status IN ('queued', 'running')");
          if (pending > 0
              && s.get("/api/notifications", authorToken).json().get("notifications").size() == 1) {
            notifiedWhileExportsPending = true;
          }
          if (pending == 0) {
            break;
          }
          Thread.sleep(10); // sampling interval
        }
        assertThat(maxRunningExports).as("export jobs running at once").isEqualTo(1);
        assertThat(notifiedWhileExportsPending)
            .as("the notification was delivered while exports were still pending")
            .isTrue();
      }
    }
  }

  @Test
  void formula_cells_are_neutralised_in_csv_exports() {
    String u = TestServer.uid();
    String author = "csv_" + u;
    String token = server.register(author);
    String[][] cases = {
      {"=HYPERLINK(\\\"http://evil\\\")", "b"},
      {"+1+1", "b"},
      {"-2+3", "b"},
      {"@SUM(A1)", "b"},
      {"Tab", "\\tTab body"},
      {"CR", "\\rCR body"}
    };
    for (String[] c : cases) {
      var r =
          server.post(
              "/api/articles",
              "{\"article\":{\"title\":\""
                  + c[0]
                  + " "
                  + u
                  + "\",\"description\":\"=1+2\",\"body\":\""
                  + c[1]
                  + "\"}}",
              token);
      assertThat(r.status()).as(c[0] + ": " + r.body()).isEqualTo(201);
    }
    String csv = server.get("/api/articles/export?format=csv&author=" + author, token).body();
    for (String line : csv.split("\n")) {
      if (line.startsWith("slug,")) {
        continue;
      }
      for (String cell : line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
        String bare = cell.startsWith("\"") ? cell.substring(1) : cell;
        assertThat(bare).as(line).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("@");
        assertThat(bare).as(line).doesNotStartWith("\t").doesNotStartWith("\r");
        if (bare.startsWith("-")) {
          assertThat(bare).as("a cell that is a negative number may stay").matches("-[0-9.]+\"?");
        }
      }
    }
    assertThat(csv).contains("'=HYPERLINK").contains("'+1+1").contains("'@SUM(A1)");
  }

  private static int port(TestServer s) {
    return (int) Probe.scalar(s.app, "SELECT setting::bigint FROM pg_settings WHERE name = 'port'");
  }
}
