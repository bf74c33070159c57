package io.hotpath.jobs;

import io.hotpath.kernel.ErrorReports;
import io.hotpath.kernel.Observer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued jobs on this instance: up to {@code concurrency} at a time, woken by LISTEN/NOTIFY
 * when a job is enqueued anywhere and by a poll every {@code pollInterval} (so an idle queue picks
 * work up within a second even if a notification is lost). All of its state lives on one Vert.x
 * context. Handlers get {@code lease} minus a margin to finish; an unfinished job is retried.
 *
 * <p>A finished job frees a slot, but it asks the queue again only when a job may be waiting for
 * that slot ({@code backlog}): a claim came back full, a wake-up found no free slot, or a capped
 * kind was at its cap. A claim that came back short has seen every due job, and anything enqueued
 * since notifies. On the realistic mix, asking after every finished job was a third of all the
 * statements the server sent (docs/database.md, "Where PostgreSQL's time goes on the mix").
 */
public final class JobWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

  /**
   * Tuning of a worker: {@code perKind} caps how many jobs of a kind run at once on it (exports),
   * so a flood of one kind never takes every slot from the others.
   */
  public record Settings(
      int concurrency,
      Duration lease,
      Duration pollInterval,
      Duration backoffBase,
      Map<String, Integer> perKind) {}

  private final Vertx vertx;
  private final JobQueue queue;
  private final Map<String, JobHandler> handlers;
  private final PgConnectOptions listen;
  private final Settings settings;
  private final Observer observer;
  private final MeterRegistry registry;
  private final java.util.function.LongSupplier ticker;
  private final ErrorReports errors;
  private final String name = "worker-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicReference<io.vertx.core.json.JsonObject> stats =
      new AtomicReference<>(
          new io.vertx.core.json.JsonObject()
              .put("queued", 0)
              .put("running", 0)
              .put("dead", 0)
              .put("oldestAgeSeconds", 0.0));
  private Context context;
  private PgConnection listener;
  private long[] timers = new long[0];
  private int running;
  private final Map<String, Integer> runningByKind = new java.util.HashMap<>();
  private boolean claiming;
  private boolean again;
  // a due job may be waiting for a free slot: the next finished job asks for it
  private boolean backlog;
  private volatile boolean closed;

  public JobWorker(
      Vertx vertx,
      JobQueue queue,
      Map<String, JobHandler> handlers,
      PgConnectOptions listen,
      Settings settings,
      Observer observer,
      MeterRegistry registry,
      java.util.function.LongSupplier ticker,
      ErrorReports errors) {
    this.ticker = ticker;
    this.errors = errors;
    this.vertx = vertx;
    this.queue = queue;
    this.handlers = Map.copyOf(handlers);
    this.listen = listen;
    this.settings = settings;
    this.observer = observer;
    this.registry = registry;
    Gauge.builder("hotpath.jobs.queued", stats, s -> s.get().getLong("queued"))
        .description("jobs waiting")
        .register(registry);
    Gauge.builder("hotpath.jobs.running", stats, s -> s.get().getLong("running"))
        .register(registry);
    Gauge.builder("hotpath.jobs.dead", stats, s -> s.get().getLong("dead")).register(registry);
    Gauge.builder(
            "hotpath.jobs.oldest.age.seconds", stats, s -> s.get().getDouble("oldestAgeSeconds"))
        .description("age of the oldest queued job")
        .register(registry);
  }

  /** Starts listening, polling, lease reaping and queue statistics. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(
        v -> {
          timers =
              new long[] {
                vertx.setPeriodic(settings.pollInterval().toMillis(), id -> poke()),
                vertx.setPeriodic(
                    Math.max(250, settings.lease().toMillis() / 4),
                    id ->
                        queue
                            .requeueExpired()
                            .onSuccess(
                                n -> {
                                  if (n > 0) {
                                    LOG.warn(
                                        "{} job(s) had an expired lease (worker lost) and were queued again",
                                        n);
                                    poke();
                                  }
                                })),
                vertx.setPeriodic(2000, id -> queue.stats().onSuccess(stats::set))
              };
          connectListener();
          // no claim at once: the first poll (one interval from now) finds what an earlier
          // process left, after start-up's own statements, not racing them on cold connections
          started.complete();
        });
    return started.future();
  }

  /** A worker's name, as written into {@code jobs.locked_by}. */
  public String name() {
    return name;
  }

  private void connectListener() {
    if (closed) {
      return;
    }
    PgConnection.connect(vertx, listen)
        .onSuccess(
            conn -> {
              if (closed) { // closed while connecting: this connection has no owner left
                conn.close();
                return;
              }
              listener = conn;
              conn.notificationHandler(n -> context.runOnContext(v -> poke()));
              conn.closeHandler(
                  v -> {
                    if (!closed) {
                      vertx.setTimer(1000, t -> connectListener());
                    }
                  });
              conn.query("LISTEN hotpath_jobs").execute();
            })
        .onFailure(t -> vertx.setTimer(1000, id -> connectListener()));
  }

  /**
   * Claims as many due jobs as there are free slots (coalescing concurrent wake-ups): first the
   * capped kinds, each up to its room, then any other kind for the slots left.
   */
  private void poke() {
    if (closed) {
      return;
    }
    if (claiming) {
      again = true;
      return;
    }
    int free = settings.concurrency() - running;
    if (free <= 0) {
      backlog = true;
      return;
    }
    claiming = true;
    backlog = false;
    claimCapped(new java.util.ArrayList<>(settings.perKind().keySet()), free)
        .compose(
            claimed -> {
              int left = free - claimed;
              return left <= 0
                  ? Future.succeededFuture(0)
                  : queue
                      .claim(name, left, settings.lease(), settings.perKind().keySet(), null)
                      .map(
                          jobs -> {
                            jobs.forEach(this::run);
                            return jobs.size() == left ? 1 : 0;
                          });
            })
        .onComplete(
            ar -> {
              claiming = false;
              if (ar.failed()) {
                backlog = true; // the queue was not seen: ask again when a slot frees
              }
              boolean more = ar.succeeded() && ar.result() > 0;
              if (more || (ar.succeeded() && again)) {
                again = false;
                poke();
              } else {
                again = false;
              }
            });
  }

  /** Claims capped kinds in turn, each up to its room and the free slots; how many it ran. */
  private Future<Integer> claimCapped(java.util.List<String> kinds, int free) {
    if (kinds.isEmpty() || free <= 0) {
      return Future.succeededFuture(0);
    }
    String kind = kinds.remove(0);
    int room = Math.min(free, settings.perKind().get(kind) - runningByKind.getOrDefault(kind, 0));
    if (room <= 0) {
      backlog = true; // its queued jobs wait for one of its own to finish
      return claimCapped(kinds, free);
    }
    Future<Integer> here =
        queue
            .claim(name, room, settings.lease(), java.util.Set.of(), kind)
            .map(
                jobs -> {
                  if (jobs.size() == room) {
                    backlog = true;
                  }
                  jobs.forEach(this::run);
                  return jobs.size();
                });
    return here.compose(n -> claimCapped(kinds, free - n).map(m -> n + m));
  }

  private void run(Job job) {
    running++;
    runningByKind.merge(job.kind(), 1, Integer::sum);
    long t0 = ticker.getAsLong();
    var call = observer.start("job", job.kind());
    bounded(job)
        .onComplete(
            ar -> {
              call.end(ar.cause());
              Timer.builder("hotpath.jobs.duration")
                  .tag("kind", kindTag(job.kind()))
                  .publishPercentileHistogram()
                  .register(registry)
                  .record(ticker.getAsLong() - t0, TimeUnit.NANOSECONDS);
              record(job, ar)
                  .onComplete(
                      x -> {
                        running--;
                        runningByKind.merge(job.kind(), -1, Integer::sum);
                        if (backlog) {
                          poke();
                        }
                      });
            });
  }

  /**
   * The job's handler, given until shortly before its lease ends: then the run fails and the
   * handler is told (its cancellation future completes) so it can let go of what it holds.
   */
  private Future<Void> bounded(Job job) {
    JobHandler handler = handlers.get(job.kind());
    Promise<Void> bounded = Promise.promise();
    Promise<Void> givenUp = Promise.promise(); // completed only when this run is abandoned
    Future<Void> work;
    try {
      work =
          handler == null
              ? Future.failedFuture("no handler for job kind " + job.kind())
              : handler.handle(job, givenUp.future());
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    long limit = Math.max(100, settings.lease().toMillis() - 500);
    long timeout =
        vertx.setTimer(
            limit,
            id -> {
              givenUp.tryComplete();
              bounded.tryFail("timed out after " + limit + " ms");
            });
    work.onComplete(
        ar -> {
          vertx.cancelTimer(timeout);
          if (ar.succeeded()) {
            bounded.tryComplete();
          } else {
            bounded.tryFail(ar.cause());
          }
        });
    return bounded.future();
  }

  /** Records a run's outcome (done, retry later, or dead), persistently. */
  private Future<?> record(Job job, io.vertx.core.AsyncResult<Void> ar) {
    if (ar.succeeded()) {
      Counter.builder("hotpath.jobs.runs")
          .tag("kind", kindTag(job.kind()))
          .tag("outcome", "ok")
          .register(registry)
          .increment();
      return persistently(() -> queue.complete(job, name), 20);
    }
    String error = String.valueOf(ar.cause().getMessage());
    return persistently(() -> queue.fail(job, name, error, backoff(job.attempts())), 20)
        .onSuccess(
            dead -> {
              Counter.builder("hotpath.jobs.runs")
                  .tag("kind", kindTag(job.kind()))
                  .tag("outcome", dead ? "dead" : "retry")
                  .register(registry)
                  .increment();
              LOG.atWarn()
                  .addKeyValue("job_id", job.id())
                  .addKeyValue("kind", job.kind())
                  .addKeyValue("attempt", job.attempts())
                  .addKeyValue("request_id", job.requestId())
                  .log(
                      "job {} ({}) failed on attempt {}/{}{}: {}",
                      job.id(),
                      job.kind(),
                      job.attempts(),
                      job.maxAttempts(),
                      dead ? ", now dead" : "",
                      error);
              if (dead) {
                errors.jobDead(ar.cause(), kindTag(job.kind()), job.id(), job.requestId());
              }
            });
  }

  /** A job's kind as a metric tag: the kinds this worker knows, anything else "other". */
  private String kindTag(String kind) {
    return handlers.containsKey(kind) ? kind : "other";
  }

  /** Exponential backoff from the base, capped at an hour, with ±20% jitter. */
  Duration backoff(int attempt) {
    long base = settings.backoffBase().toMillis();
    long ms =
        Math.min(
            Duration.ofHours(1).toMillis(), base * (1L << Math.min(20, Math.max(0, attempt - 1))));
    long jitter = (long) (ms * 0.2);
    return Duration.ofMillis(
        Math.max(1, ms + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1)));
  }

  @Override
  public void close() {
    closed = true;
    for (long t : timers) {
      vertx.cancelTimer(t);
    }
    if (listener != null) {
      listener.close();
    }
  }

  /**
   * Records a job's outcome, retrying every 500 ms while the database is unreachable: a job that
   * ran must not wait out its whole lease (and run again) because PostgreSQL restarted just as it
   * finished. After {@code attempts} the lease takes over, as for a crashed worker.
   */
  private <T> Future<T> persistently(java.util.function.Supplier<Future<T>> write, int attempts) {
    return write
        .get()
        .recover(
            t -> {
              if (attempts <= 1) {
                return Future.failedFuture(t);
              }
              io.vertx.core.Promise<T> again = io.vertx.core.Promise.promise();
              vertx.setTimer(500, id -> persistently(write, attempts - 1).onComplete(again));
              return again.future();
            });
  }
}
