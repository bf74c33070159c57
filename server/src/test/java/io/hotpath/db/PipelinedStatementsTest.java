package io.hotpath.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Read-only statements share a few pipelined connections; transactions and statements that write or
 * lock keep a pool connection to themselves (a lock wait there holds up nothing else).
 */
class PipelinedStatementsTest {
  static Hotpath app;

  @BeforeAll
  static void start() {
    app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "EVENT_LOOPS", "2",
                    "DB_STATEMENT_CONNECTIONS", "2",
                    "DB_POOL_SIZE", "8",
                    "JOBS", "off")));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void read_only_statements_are_told_apart_from_writes_and_locks() {
    assertThat(Db.readOnly("SELECT a.id FROM articles a WHERE a.slug = $1")).isTrue();
    assertThat(Db.readOnly("\n  select id, updated_at from users where id = ANY($1)")).isTrue();
    assertThat(Db.readOnly("SELECT id FROM jobs WHERE status = 'queued' FOR UPDATE SKIP LOCKED"))
        .isFalse();
    assertThat(Db.readOnly("SELECT 1 FROM users FOR SHARE")).isFalse();
    assertThat(Db.readOnly("SELECT id FROM jobs\n  FOR\n  UPDATE")).isFalse();
    assertThat(Db.readOnly("SELECT pg_advisory_xact_lock($1)")).isFalse();
    assertThat(Db.readOnly("SELECT nextval('s')")).isFalse();
    assertThat(Db.readOnly("SELECT pg_notify('jobs', '')")).isFalse();
    assertThat(Db.readOnly("WITH x AS (DELETE FROM t RETURNING 1) SELECT count(*) FROM x"))
        .isFalse();
    assertThat(Db.readOnly("WITH x AS (SELECT 1) SELECT * FROM x")).isFalse();
    assertThat(Db.readOnly("INSERT INTO t VALUES (1)")).isFalse();
    assertThat(Db.readOnly("UPDATE t SET a = 1")).isFalse();
    assertThat(Db.readOnly("DELETE FROM t")).isFalse();
  }

  @Test
  void concurrent_reads_share_the_pipelined_connections_and_writes_use_the_pool() throws Exception {
    var db = app.db();
    // 64 reads at once, each lasting a little: a pool lends each one a connection of its own
    // (up to its 8); pipelined, they queue on the two connections the client opened
    var reads = new ArrayList<Future<Integer>>();
    for (int i = 0; i < 64; i++) {
      reads.add(
          db.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.002)", Tuple.tuple())
              .map(rs -> rs.iterator().next().getInteger("pid")));
    }
    Set<Integer> readers = new HashSet<>();
    for (var r : reads) {
      readers.add(r.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    assertThat(readers).hasSizeBetween(1, 2);

    // a statement that may write (every WITH counts as one) runs on a pool connection
    int writer =
        db.query("WITH x AS (SELECT pg_backend_pid() AS pid) SELECT pid FROM x", Tuple.tuple())
            .map(rs -> rs.iterator().next().getInteger("pid"))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(readers).doesNotContain(writer);

    // and a transaction too
    int inTransaction =
        db.inTransaction(
                tx ->
                    tx.query("SELECT pg_backend_pid() AS pid", Tuple.tuple())
                        .map(rs -> rs.iterator().next().getInteger("pid")))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(readers).doesNotContain(inTransaction);
  }

  @Test
  void each_event_loop_reads_through_a_pipelined_connection_of_its_own() throws Exception {
    var db = app.db();
    var vertx = (io.vertx.core.internal.VertxInternal) app.vertx();
    var pidsByLoop = new ArrayList<Set<Integer>>();
    for (var loop : vertx.nettyEventLoopGroup()) {
      var context = vertx.contextBuilder().withEventLoop((io.netty.channel.EventLoop) loop).build();
      var pids = new ArrayList<Future<Integer>>();
      var started = new java.util.concurrent.CountDownLatch(1);
      context.runOnContext(
          v -> {
            for (int i = 0; i < 16; i++) {
              pids.add(
                  db.query("SELECT pg_backend_pid() AS pid", Tuple.tuple())
                      .map(rs -> rs.iterator().next().getInteger("pid")));
            }
            started.countDown();
          });
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      Set<Integer> seen = new HashSet<>();
      for (var p : pids) {
        seen.add(p.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
      }
      pidsByLoop.add(seen);
    }
    // one connection per loop, and not the same one: a statement that crossed to the other loop's
    // connection would cost a thread hop each way
    assertThat(pidsByLoop).hasSize(2).allSatisfy(pids -> assertThat(pids).hasSize(1));
    assertThat(pidsByLoop.get(0)).doesNotContainAnyElementsOf(pidsByLoop.get(1));
  }

  @Test
  void a_read_waiting_for_a_lock_holds_up_no_read_behind_it_and_still_answers_after_the_lock()
      throws Exception {
    var db = app.db();
    var vertx = (io.vertx.core.internal.VertxInternal) app.vertx();
    var loop = vertx.nettyEventLoopGroup().iterator().next();
    var context = vertx.contextBuilder().withEventLoop((io.netty.channel.EventLoop) loop).build();
    var locker = db.pool().getConnection().await();
    try {
      locker.query("BEGIN").execute().await();
      locker.query("LOCK TABLE tags IN ACCESS EXCLUSIVE MODE").execute().await();
      var locked = new java.util.concurrent.CompletableFuture<Future<Long>>();
      var behind = new java.util.concurrent.CompletableFuture<Future<Long>>();
      // both from one event loop, so both go down that loop's one pipelined connection, in order
      context.runOnContext(
          v -> {
            locked.complete(
                db.query("SELECT count(*) AS n FROM tags", Tuple.tuple())
                    .map(rs -> rs.iterator().next().getLong("n")));
            behind.complete(
                db.query("SELECT count(*) AS n FROM users", Tuple.tuple())
                    .map(rs -> rs.iterator().next().getLong("n")));
          });
      // the lock is still held: the read behind the waiting one answers all the same
      var users = behind.get(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture();
      assertThat(users.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
      var tags = locked.get(10, TimeUnit.SECONDS).toCompletionStage().toCompletableFuture();
      assertThat(tags).isNotDone();
      locker.query("ROLLBACK").execute().await();
      // and the one that waited is answered, not failed, once the lock is gone
      assertThat(tags.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
    } finally {
      locker.close().await();
    }
  }
}
