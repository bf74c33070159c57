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

  /** Delegates to a real link, holding {@code tryLock} until {@code release} completes. */
  static final class HoldLock implements RedisLink {
    final RedisLink real;
    final Future<Void> release;
    final Promise<Void> reachedLock = Promise.promise();

    HoldLock(RedisLink real, Future<Void> release) {
      this.real = real;
      this.release = release;
    }

    @Override
    public Future<Boolean> tryLock(String key, long ttlMillis) {
      reachedLock.tryComplete();
      return release.compose(v -> real.tryLock(key, ttlMillis));
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
      return real.get(key);
    }

    @Override
    public Future<List<KeyValue<String, byte[]>>> mget(List<String> keys) {
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
