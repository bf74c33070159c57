package io.hotpath.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.db.Db;
import io.hotpath.db.EmbeddedPostgresServer;
import io.hotpath.db.Migrations;
import io.hotpath.kernel.ErrorReports;
import io.hotpath.kernel.Observer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queue's guarantees on a real PostgreSQL: transactional enqueue, leases, exclusive claims,
 * retries.
 */
class JobQueueTest {
  static EmbeddedPostgresServer pg;
  static Vertx vertx;
  static Db db;
  static PgConnectOptions options;

  @BeforeAll
  static void start() throws Exception {
    pg =
        EmbeddedPostgresServer.start(
            io.hotpath.TestServer.tempDir("hotpath-jobs").resolve("pg"), false);
    options = PgConnectOptions.fromUri(pg.url());
    Migrations.migrate("jdbc:postgresql://localhost:" + pg.port() + "/postgres", "postgres", null);
    vertx = Vertx.vertx();
    db =
        Db.on(
            PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(8))
                .connectingTo(options)
                .using(vertx)
                .build(),
            Observer.NOOP);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    pg.close();
  }

  /** A clock the test moves by hand. */
  static final class MovableClock extends Clock {
    final AtomicReference<Instant> now =
        new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }
  }

  private static long count(String sql) {
    return db.query(sql, Tuple.tuple()).await().iterator().next().getLong("n");
  }

  private static long count(String kind, String status) {
    return db.query(
            "SELECT count(*) AS n FROM jobs WHERE kind = $1 AND ($2::text IS NULL OR status = $2)",
            Tuple.of(kind, status))
        .await()
        .iterator()
        .next()
        .getLong("n");
  }

  @Test
  void a_job_enqueued_in_a_rolled_back_transaction_never_exists_and_a_committed_one_does() {
    var queue = new JobQueue(db, Clock.systemUTC(), 3);
    try {
      db.inTransaction(
              tx ->
                  queue
                      .enqueue(tx, "test.rb", new JsonObject())
                      .compose(
                          id ->
                              Future.<Long>failedFuture(
                                  new IllegalStateException("business write failed"))))
          .await();
    } catch (RuntimeException expected) {
      // the business write failed, so the transaction rolled back
    }
    assertThat(count("test.rb", null)).isZero();
    db.inTransaction(tx -> queue.enqueue(tx, "test.rb", new JsonObject())).await();
    assertThat(count("test.rb", "queued")).isEqualTo(1);
  }

  @Test
  void a_job_whose_worker_died_runs_again_after_its_lease_expires() {
    var clock = new MovableClock();
    var queue = new JobQueue(db, clock, 5);
    long id =
        db.inTransaction(tx -> queue.enqueue(tx, "test.lease", new JsonObject().put("n", 1)))
            .await();
    var first = queue.claim("worker-that-dies", 100, Duration.ofSeconds(30)).await();
    assertThat(first).extracting(Job::id).contains(id);
    // the worker dies: no complete(), no fail(). Before the lease ends nobody else gets the job.
    assertThat(queue.claim("second-worker", 100, Duration.ofSeconds(30)).await())
        .extracting(Job::id)
        .doesNotContain(id);
    clock.advance(Duration.ofSeconds(29));
    assertThat(queue.requeueExpired().await()).isZero();
    clock.advance(Duration.ofSeconds(2));
    assertThat(queue.requeueExpired().await()).isGreaterThanOrEqualTo(1);
    var again =
        queue.claim("second-worker", 100, Duration.ofSeconds(30)).await().stream()
            .filter(j -> j.id() == id)
            .toList();
    assertThat(again).hasSize(1);
    assertThat(again.get(0).attempts()).isEqualTo(2);
    queue
        .complete(again.get(0), "worker-that-dies")
        .await(); // the dead worker's late ack changes nothing
    assertThat(count("test.lease", "running")).isEqualTo(1);
    queue.complete(again.get(0), "second-worker").await();
    assertThat(count("test.lease", "done")).isEqualTo(1);
  }

  @Test
  void failures_back_off_and_the_job_is_dead_after_its_last_attempt() {
    var clock = new MovableClock();
    var queue = new JobQueue(db, clock, 3);
    long id = db.inTransaction(tx -> queue.enqueue(tx, "test.fail", new JsonObject())).await();
    for (int attempt = 1; attempt <= 3; attempt++) {
      var jobs =
          queue.claim("w", 100, Duration.ofSeconds(30)).await().stream()
              .filter(j -> j.id() == id)
              .toList();
      assertThat(jobs).as("attempt " + attempt).hasSize(1);
      boolean dead = queue.fail(jobs.get(0), "w", "boom " + attempt, Duration.ofMinutes(1)).await();
      assertThat(dead).isEqualTo(attempt == 3);
      // not due again until the backoff has passed
      assertThat(queue.claim("w", 100, Duration.ofSeconds(30)).await())
          .extracting(Job::id)
          .doesNotContain(id);
      clock.advance(Duration.ofMinutes(2));
    }
    assertThat(count("test.fail", "dead")).isEqualTo(1);
    assertThat(queue.status(id).await().getString("lastError")).isEqualTo("boom 3");
    assertThat(queue.retryDead(id).await()).isTrue();
    assertThat(count("test.fail", "queued")).isEqualTo(1);
  }

  @Test
  void two_workers_never_run_the_same_job_at_once_and_every_job_runs_once() throws Exception {
    var queue = new JobQueue(db, Clock.systemUTC(), 3);
    var runs = new ConcurrentHashMap<Long, AtomicInteger>();
    Set<Long> inProgress = ConcurrentHashMap.newKeySet();
    var overlaps = new AtomicInteger();
    JobHandler handler =
        job -> {
          if (!inProgress.add(job.id())) {
            overlaps.incrementAndGet();
          }
          runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
          Promise<Void> p = Promise.promise();
          vertx.setTimer(
              2,
              t -> {
                inProgress.remove(job.id());
                p.complete();
              });
          return p.future();
        };
    var settings =
        new JobWorker.Settings(
            8, Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(10), Map.of());
    var a =
        new JobWorker(
            vertx,
            queue,
            Map.of("test.once", handler),
            options,
            settings,
            Observer.NOOP,
            new SimpleMeterRegistry(),
            System::nanoTime,
            ErrorReports.NONE);
    var b =
        new JobWorker(
            vertx,
            queue,
            Map.of("test.once", handler),
            options,
            settings,
            Observer.NOOP,
            new SimpleMeterRegistry(),
            System::nanoTime,
            ErrorReports.NONE);
    a.start().await();
    b.start().await();
    try {
      for (int batch = 0; batch < 6; batch++) {
        db.inTransaction(
                tx -> {
                  Future<Long> f = Future.succeededFuture();
                  for (int i = 0; i < 50; i++) {
                    f = f.compose(x -> queue.enqueue(tx, "test.once", new JsonObject()));
                  }
                  return f;
                })
            .await();
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (count("test.once", "done") < 300 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } finally {
      a.close();
      b.close();
    }
    assertThat(count("test.once", "done")).isEqualTo(300);
    assertThat(runs).hasSize(300);
    assertThat(runs.values()).allMatch(n -> n.get() == 1);
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void an_idle_worker_picks_up_a_new_job_within_a_second_through_listen_notify() throws Exception {
    var queue = new JobQueue(db, Clock.systemUTC(), 3);
    var ran = new java.util.concurrent.CountDownLatch(1);
    // polling every 60 s: only the notification can wake the worker in time
    var settings =
        new JobWorker.Settings(
            2, Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMillis(10), Map.of());
    var w =
        new JobWorker(
            vertx,
            queue,
            Map.of(
                "test.notify",
                job -> {
                  ran.countDown();
                  return Future.succeededFuture();
                }),
            options,
            settings,
            Observer.NOOP,
            new SimpleMeterRegistry(),
            System::nanoTime,
            ErrorReports.NONE);
    w.start().await();
    try {
      // the worker's LISTEN is in place once its connection's last statement is the LISTEN
      long until = System.nanoTime() + 10_000_000_000L;
      while (count("SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN hotpath_jobs'")
              == 0
          && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      long t0 = System.nanoTime();
      db.inTransaction(tx -> queue.enqueue(tx, "test.notify", new JsonObject())).await();
      assertThat(ran.await(1, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
    } finally {
      w.close();
    }
  }

  /** A worker that runs {@code handlers} on {@code queue} (whose Db may count its statements). */
  private static JobWorker worker(
      JobQueue queue, Map<String, JobHandler> handlers, JobWorker.Settings settings) {
    return new JobWorker(
        vertx,
        queue,
        handlers,
        options,
        settings,
        Observer.NOOP,
        new SimpleMeterRegistry(),
        System::nanoTime,
        ErrorReports.NONE);
  }

  private static void awaitDone(String kind, long n) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (count(kind, "done") < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void a_worker_asks_for_jobs_only_when_one_may_be_waiting_not_after_every_job_it_finishes()
      throws Exception {
    var claims = new AtomicInteger();
    Observer counting =
        (kind, sql) -> {
          if (sql.startsWith("UPDATE jobs j SET status = 'running'")) {
            claims.incrementAndGet();
          }
          return Observer.Call.NOOP;
        };
    var countedDb =
        Db.on(
            PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(4))
                .connectingTo(options)
                .using(vertx)
                .build(),
            counting);
    var queue = new JobQueue(countedDb, Clock.systemUTC(), 3);
    // one capped kind (as exports are), polling every 60 s: only notifications wake the worker
    var w =
        worker(
            queue,
            Map.of("test.sparse", job -> Future.succeededFuture()),
            new JobWorker.Settings(
                4,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofMillis(10),
                Map.of("test.capped", 1)));
    noOtherDueJobs();
    long before = listening();
    w.start().await();
    try {
      awaitListening(before);
      // jobs one at a time, as the mix's writes enqueue them: each is due alone
      int jobs = 20;
      for (int i = 0; i < jobs; i++) {
        db.inTransaction(tx -> queue.enqueue(tx, "test.sparse", new JsonObject())).await();
        awaitDone("test.sparse", i + 1);
      }
      assertThat(count("test.sparse", "done")).isEqualTo(jobs);
      // a wake-up asks once per capped kind and once for the rest; a finished job whose last
      // claim came back short has nothing waiting behind it, so it asks for nothing
      assertThat(claims.get()).isLessThanOrEqualTo(2 * jobs);
    } finally {
      w.close();
    }
  }

  @Test
  void jobs_waiting_for_a_free_slot_or_for_their_kinds_cap_run_as_slots_free_without_a_poll()
      throws Exception {
    var queue = new JobQueue(db, Clock.systemUTC(), 3);
    JobHandler slow =
        job -> {
          Promise<Void> p = Promise.promise();
          vertx.setTimer(20, t -> p.complete());
          return p.future();
        };
    var w =
        worker(
            queue,
            Map.of("test.backlog", slow, "test.backlog.capped", slow),
            new JobWorker.Settings(
                2,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                Duration.ofMillis(10),
                Map.of("test.backlog.capped", 1)));
    noOtherDueJobs();
    long before = listening();
    w.start().await();
    try {
      awaitListening(before);
      // one transaction, one notification: more due jobs than the worker has slots
      db.inTransaction(
              tx -> {
                Future<Long> f = Future.succeededFuture();
                for (int i = 0; i < 6; i++) {
                  f = f.compose(x -> queue.enqueue(tx, "test.backlog", new JsonObject()));
                  f = f.compose(x -> queue.enqueue(tx, "test.backlog.capped", new JsonObject()));
                }
                return f;
              })
          .await();
      awaitDone("test.backlog", 6);
      awaitDone("test.backlog.capped", 6);
      assertThat(count("test.backlog", "done")).isEqualTo(6);
      assertThat(count("test.backlog.capped", "done")).isEqualTo(6);
    } finally {
      w.close();
    }
  }

  private static long listening() {
    return count("SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'LISTEN hotpath_jobs'");
  }

  /** Until one more worker's LISTEN is in place than {@code before}. */
  private static void awaitListening(long before) {
    long until = System.nanoTime() + 10_000_000_000L;
    while (listening() <= before && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  /** Other tests' unfinished jobs out of the way: a worker here claims any kind. */
  private static void noOtherDueJobs() {
    db.query("UPDATE jobs SET status = 'dead' WHERE status IN ('queued', 'running')", Tuple.tuple())
        .await();
  }

  @Test
  void a_statement_that_queues_no_job_wakes_no_worker() throws Exception {
    var conn = io.vertx.pgclient.PgConnection.connect(vertx, options).await();
    var heard = new java.util.concurrent.LinkedBlockingQueue<String>();
    try {
      conn.notificationHandler(n -> heard.add(n.getPayload()));
      conn.query("LISTEN hotpath_jobs").execute().await();
      // a write whose job item selects no row (a repeat favorite within the window, a notify job's
      // fan-out for a recipient without webhooks), then a marker in commit order behind it
      db.query(
              JobQueue.insertFrom(
                  "SELECT 'test.none' AS kind, '{}'::jsonb AS payload WHERE false", 1),
              new JobQueue(db, Clock.systemUTC(), 3).insertArgs(Tuple.tuple()))
          .await();
      db.query("SELECT pg_notify('hotpath_jobs', 'marker')", Tuple.tuple()).await();
      assertThat(heard.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("marker");
    } finally {
      conn.close().await();
    }
  }
}
