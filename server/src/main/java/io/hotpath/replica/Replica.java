package io.hotpath.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming replica for the reads that tolerate lag, and the bookkeeping that says when it may
 * serve one.
 *
 * <p>Every REPLICA_POLL_MS the monitor samples the primary's WAL position (taking the time just
 * before asking), then the replica's replay position. The replica has "caught up to" time P once it
 * has replayed the primary position sampled at P, so everything committed before P is visible on
 * it. A read may go to the replica when {@code caughtUpTo >= max(now - maxLag, fence)}: anonymous
 * reads accept up to REPLICA_MAX_LAG_MS of staleness; a writer's reads carry the time of their last
 * write as the fence (read-your-writes). Anything else goes to the primary: a lagging replica, one
 * that stopped answering (its caught-up time freezes, or a failed read marks it down at once), or a
 * fence of {@link ReadFence#PRIMARY}.
 *
 * <p>Why time and not LSNs in the fence: the writer's instance would have to ask the primary for
 * its WAL position after every write; the time of the response is free and, with the sample taken
 * after it, just as exact. Instances must share a clock within a few ms (loopback, or NTP).
 */
public final class Replica implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replica.class);
  private static final String PRIMARY_LSN = "select (pg_current_wal_lsn() - '0/0')::bigint as lsn";
  private static final String REPLAY_LSN =
      "select (pg_last_wal_replay_lsn() - '0/0')::bigint as lsn";
  private static final int MAX_SAMPLES = 100_000;

  private final Vertx vertx;
  private final Pool primary;
  private final Pool pool;
  private final Clock clock;
  private final long maxLagMillis;
  private final long timer;
  private final CatchUp catchUp = new CatchUp(MAX_SAMPLES);
  private final Counter toReplica;
  private final Counter toPrimary;
  private final Counter fallbacks;
  private boolean sampling;
  private volatile boolean wasUsable;
  // the primary stopped answering but the replica still does: nothing newer can be committed, so
  // anonymous reads keep being served (stale by at most the outage), writers' reads still fenced
  private volatile boolean primaryDown;

  /** Starts monitoring {@code pool} against {@code primary} every {@code poll}. */
  public Replica(
      Vertx vertx,
      Pool primary,
      Pool pool,
      Clock clock,
      Duration maxLag,
      Duration poll,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.primary = primary;
    this.pool = pool;
    this.clock = clock;
    this.maxLagMillis = maxLag.toMillis();
    this.toReplica =
        Counter.builder("hotpath.db.reads").tag("target", "replica").register(registry);
    this.toPrimary =
        Counter.builder("hotpath.db.reads").tag("target", "primary").register(registry);
    this.fallbacks =
        Counter.builder("hotpath.db.replica.fallbacks")
            .description("replica reads that failed and were retried on the primary")
            .register(registry);
    Gauge.builder("hotpath.db.replica.lag", this, r -> r.lagMillis() / 1000.0)
        .baseUnit("seconds")
        .description("now minus the time the replica has caught up to (+Inf when unknown)")
        .register(registry);
    this.timer = vertx.setPeriodic(0, poll.toMillis(), id -> sample());
  }

  /** The replica's pool (closed by {@link #close()}). */
  public Pool pool() {
    return pool;
  }

  /** Milliseconds the replica is behind the primary, as of the last sample; MAX when unknown. */
  public long lagMillis() {
    long c = catchUp.caughtUpTo();
    return c == CatchUp.UNKNOWN ? Long.MAX_VALUE : Math.max(0, clock.millis() - c);
  }

  /** Whether a read fenced at {@code fence} (null: none) may be served by the replica now. */
  public boolean serves(Long fence) {
    boolean ok =
        CatchUp.serves(catchUp.caughtUpTo(), clock.millis(), maxLagMillis, fence, primaryDown);
    (ok ? toReplica : toPrimary).increment();
    return ok;
  }

  /** A replica read failed for want of the replica: stop sending reads until it answers again. */
  public void markDown(Throwable cause) {
    fallbacks.increment();
    if (catchUp.caughtUpTo() != CatchUp.UNKNOWN) {
      LOG.warn(
          "replica read failed, reads go to the primary until it answers: {}", cause.toString());
    }
    catchUp.unknown();
  }

  private void sample() {
    if (sampling) {
      return;
    }
    sampling = true;
    long at = clock.millis();
    lsn(primary, PRIMARY_LSN)
        .transform(
            ar -> {
              primaryDown = ar.failed();
              return ar.succeeded()
                  ? Future.succeededFuture(ar.result())
                  : Future.<Long>succeededFuture(null);
            })
        .compose(
            p -> {
              if (p == null) {
                return lsn(pool, REPLAY_LSN).map(r -> (Long) null);
              }
              catchUp.primaryAt(at, p);
              return lsn(pool, REPLAY_LSN);
            })
        .onComplete(
            ar -> {
              sampling = false;
              if (ar.failed() || (ar.result() == null && !primaryDown)) {
                if (wasUsable) {
                  LOG.warn(
                      "replica unusable ({}), reads go to the primary",
                      ar.failed() ? ar.cause().toString() : "not in recovery");
                }
                wasUsable = false;
                catchUp.unknown();
                return;
              }
              if (primaryDown) {
                wasUsable = true; // answering; caughtUpTo stays at the last primary sample
                return;
              }
              long replayed = ar.result();
              catchUp.replayed(replayed);
              if (!wasUsable) {
                LOG.info("replica answering (replayed up to {})", replayed);
              }
              wasUsable = true;
            });
  }

  private static Future<Long> lsn(Pool pool, String sql) {
    return pool.preparedQuery(sql)
        .execute(Tuple.tuple())
        .map((RowSet<Row> rs) -> rs.iterator().next().getLong("lsn"));
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    pool.close().await();
  }
}
