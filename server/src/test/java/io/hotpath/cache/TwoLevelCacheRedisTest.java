package io.hotpath.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.http.Json;
import io.hotpath.kernel.Observer;
import io.hotpath.kernel.Time;
import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The cross-instance load lock against a real Redis, with the interleavings forced instead of hoped
 * for: two instances' caches share one Redis, and one instance's Redis calls are held at a chosen
 * point until the other has finished.
 */
class TwoLevelCacheRedisTest {
  static RedisServer redis;
  static String url;
  static Vertx vertx;
  static final CacheSettings SETTINGS =
      new CacheSettings(
          1000, Duration.ofSeconds(60), Duration.ofSeconds(600), Duration.ofSeconds(5));

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    redis = new RedisServer(port);
    redis.start();
    url = "redis://127.0.0.1:" + port;
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await();
    redis.stop();
  }

  static Caches instance() {
    return new Caches(
        vertx,
        Json.MAPPER,
        new SimpleMeterRegistry(),
        Optional.of(url),
        Duration.ofSeconds(2),
        new Time(Clock.systemUTC(), System::nanoTime),
        Observer.NOOP,
        true);
  }

  @Test
  void an_instance_that_missed_l2_just_before_another_stored_the_value_does_not_load_again()
      throws Exception {
    var loads = new AtomicInteger();
    Function<Set<String>, Future<Map<String, String>>> loader =
        ids -> {
          loads.incrementAndGet();
          return Future.succeededFuture(Map.of(ids.iterator().next(), "value"));
        };
    String id = "k" + System.nanoTime();
    Caches a = instance();
    Caches b = instance();
    try {
      var cacheA = a.create("gap", a.type(String.class), SETTINGS, loader);
      // B's SET NX for the load lock waits until A has loaded, stored and released the lock: the
      // window between B's L2 miss and B taking the (by then free) lock
      Promise<Void> aDone = Promise.promise();
      var held = new HoldLock(b.redis(), aDone.future());
      var cacheB =
          new TwoLevelCache<String>(
              "gap",
              b,
              vertx,
              held,
              Json.MAPPER,
              b.type(String.class),
              SETTINGS,
              loader,
              System::nanoTime);

      Future<Optional<String>> fromB = cacheB.get(id);
      held.reachedLock.future().await();
      assertThat(cacheA.get(id).await()).contains("value");
      aDone.complete();

      assertThat(fromB.await()).contains("value");
      assertThat(loads.get()).as("database loads across both instances").isEqualTo(1);
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void when_the_instance_holding_the_load_lock_fails_the_waiting_one_loads_at_once()
      throws Exception {
    // A takes the lock and its load fails (its database refused it); B, waiting for A's value,
    // sees the lock gone without a value and loads itself, instead of polling out the lock's life
    String id = "k" + System.nanoTime();
    Promise<Void> aLoading = Promise.promise();
    Promise<Void> failA = Promise.promise();
    var bLoads = new AtomicInteger();
    Caches a = instance();
    Caches b = instance();
    try {
      var cacheA =
          a.create(
              "failing",
              a.type(String.class),
              SETTINGS,
              ids -> {
                aLoading.tryComplete();
                return failA
                    .future()
                    .compose(
                        v ->
                            Future.<Map<String, String>>failedFuture(
                                new IllegalStateException("database refused")));
              });
      Future<Optional<String>> fromA = cacheA.get(id);
      aLoading.future().await(); // A holds the lock
      var polling = new HoldLock(b.redis(), Future.succeededFuture());
      var cacheB =
          new TwoLevelCache<String>(
              "failing",
              b,
              vertx,
              polling,
              Json.MAPPER,
              b.type(String.class),
              SETTINGS,
              ids -> {
                bLoads.incrementAndGet();
                return Future.succeededFuture(Map.of(id, "from B"));
              },
              System::nanoTime);
      Future<Optional<String>> fromB = cacheB.get(id);
      polling.polled.future().await(); // B lost the lock to A and polls for A's value
      failA.complete();

      assertThat(fromB.await()).contains("from B");
      assertThat(bLoads.get()).isEqualTo(1);
      assertThat(cacheB.unguarded.get(TwoLevelCache.Unguarded.LOCK_WAIT_EXPIRED).sum())
          .as("B waited out the lock's life")
          .isZero();
      assertThat(fromA.transform(ar -> Future.succeededFuture(ar.failed())).await())
          .as("A's own request fails with its load")
          .isTrue();
    } finally {
      a.close();
      b.close();
    }
  }

  /** Delegates to a real link, holding {@code tryLock} until {@code release} completes. */
  static final class HoldLock implements RedisLink {
    final RedisLink real;
    final Future<Void> release;
    final Promise<Void> reachedLock = Promise.promise();

    HoldLock(RedisLink real, Future<Void> release) {
      this.real = real;
      this.release = release;
    }

    /** Completes at the first L2 read after this link's lock attempt: the instance waits. */
    final Promise<Void> polled = Promise.promise();

    private volatile boolean triedLock;

    @Override
    public Future<Boolean> tryLock(String key, long ttlMillis) {
      reachedLock.tryComplete();
      return release.compose(v -> real.tryLock(key, ttlMillis)).andThen(x -> triedLock = true);
    }

    @Override
    public boolean configured() {
      return real.configured();
    }

    @Override
    public boolean available() {
      return real.available();
    }

    @Override
    public Optional<StatefulRedisConnection<String, byte[]>> connection() {
      return real.connection();
    }

    @Override
    public Future<byte[]> get(String key) {
      if (triedLock) {
        polled.tryComplete();
      }
      return real.get(key);
    }

    @Override
    public Future<List<KeyValue<String, byte[]>>> mget(List<String> keys) {
      if (triedLock) {
        polled.tryComplete();
      }
      return real.mget(keys);
    }

    @Override
    public Future<Void> setAll(Map<String, byte[]> values, Function<String, Long> ttlMillis) {
      return real.setAll(values, ttlMillis);
    }

    @Override
    public Future<Void> del(Collection<String> keys) {
      return real.del(keys);
    }

    @Override
    public Future<Long> publish(String channel, String message) {
      return real.publish(channel, message);
    }

    @Override
    public Future<Void> ping() {
      return real.ping();
    }

    @Override
    public void close() {}
  }
}
