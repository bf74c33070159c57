package io.hotpath.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.EmbeddedPostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Finding 1: a client that opens the streaming export, reads a little and goes away must not leave
 * a server-side cursor (and its PostgreSQL connection, idle in a transaction) behind.
 */
class AbandonedExportTest {
  static EmbeddedPostgresServer pg;
  static Hotpath a;
  static Hotpath b;
  static TestServer sa;
  static TestServer sb;
  static final List<String> tokens = new ArrayList<>();
  static final int POOL_SIZE = 16;

  @BeforeAll
  static void twoInstancesAndTenMegabytesOfArticles() throws Exception {
    pg =
        EmbeddedPostgresServer.start(
            io.hotpath.TestServer.tempDir("hotpath-abandon").resolve("pg"), false);
    var env =
        Map.of(
            "DATABASE_URL",
            pg.url(),
            "JWT_SECRET",
            "j".repeat(40),
            "DB_POOL_SIZE",
            Integer.toString(POOL_SIZE));
    a = Hotpath.start(TestServer.config(env));
    b = Hotpath.start(TestServer.config(env));
    sa = new TestServer(a);
    sb = new TestServer(b);
    String u = TestServer.uid();
    for (int i = 0; i < 10; i++) {
      tokens.add(sa.register("abandon" + i + "_" + u));
    }
    Probe.articles(a, "abandon0_" + u, 10, "body ");
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    pg.close();
  }

  /**
   * Opens the export as {@code token}, reads one small block, stops reading for {@code stallMillis}
   * (long enough for the server's write queue to fill, so it pauses the cursor) and resets the
   * connection: a browser tab closed during a download.
   */
  static void abandon(TestServer s, String token, long stallMillis) {
    try (var raw = new RawHttp(s.port())) {
      raw.send(RawHttp.get("/api/articles/export", token));
      raw.readSome(4096);
      Thread.sleep(stallMillis); // the client's behaviour, not a wait for the server
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void abandoned_export_releases_its_connection_within_5_seconds() {
    assertThat(Probe.idleInTransaction(a)).isZero();
    try (var raw = new RawHttp(sa.port())) {
      raw.send(RawHttp.get("/api/articles/export", tokens.get(0)));
      raw.readSome(4096);
      // the client stops reading: the server fills its write queue and pauses the cursor
      assertThat(Probe.within(10_000, () -> Probe.idleInTransaction(a) == 1))
          .as("the export's cursor paused, its session idle in a transaction")
          .isTrue();
    } // and goes away
    assertThat(Probe.within(5_000, () -> Probe.idleInTransaction(a) == 0))
        .as("no session left idle in a transaction 5 s after the client went away")
        .isTrue();
  }

  @Test
  void
      three_hundred_abandoned_exports_leave_postgres_at_its_baseline_while_another_instance_serves()
          throws Exception {
    // open every connection both pools may have, so the baseline counts them all (plain reads go
    // to the pipelined connections opened at start, so requests alone would not fill the pools)
    for (var app : List.of(a, b)) {
      var held = new ArrayList<io.vertx.core.Future<io.vertx.sqlclient.SqlConnection>>();
      for (int i = 0; i < POOL_SIZE; i++) {
        held.add(app.db().pool().getConnection());
      }
      for (var c : held) {
        c.await().close().await();
      }
    }
    long baseline = Probe.clientSessions(a);
    var stop = new AtomicBoolean();
    var bStatuses = new ConcurrentLinkedQueue<Integer>();
    var poller =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!stop.get()) {
                    bStatuses.add(sb.get("/api/articles?limit=1", null).status());
                    try {
                      Thread.sleep(5); // a steady reader, not a flood
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    var next = new AtomicInteger();
    var threads = new ArrayList<Thread>();
    for (int t = 0; t < 20; t++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    int i;
                    while ((i = next.getAndIncrement()) < 300) {
                      abandon(sa, tokens.get(i % tokens.size()), 500);
                    }
                  }));
    }
    for (var t : threads) {
      t.join();
    }
    boolean settled =
        Probe.within(
            30_000,
            () ->
                Probe.idleInTransaction(a) == 0
                    && Probe.exportSessions(a) == 0
                    && Probe.clientSessions(a) <= baseline);
    stop.set(true);
    poller.join();
    System.out.printf(
        "ABANDONED EXPORTS: 300 abandoned on A; sessions baseline %d, after %d, idle in transaction"
            + " %d; B answered %d requests meanwhile, statuses %s%n",
        baseline,
        Probe.clientSessions(a),
        Probe.idleInTransaction(a),
        bStatuses.size(),
        bStatuses.stream().distinct().toList());
    assertThat(settled).as("PostgreSQL back at its baseline of sessions").isTrue();
    assertThat(bStatuses).isNotEmpty().containsOnly(200);
    // a new connection can still be opened: B's own export streams in full
    var export = sb.get("/api/articles/export?author=abandon0_nobody", tokens.get(1));
    assertThat(export.status()).isEqualTo(200);
  }
}
