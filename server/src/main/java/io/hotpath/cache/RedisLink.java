package io.hotpath.cache;

import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Hotpath's Redis: the L2 cache, the invalidation channel, shared rate-limit buckets and
 * read-your-writes marks. {@link #NONE} is the single-node default (no REDIS_URL): never available,
 * every call fails at once, and callers fall back to what they do while Redis is down (L1 and the
 * database, local buckets, the primary). A failed call is a cache miss, never a failed request;
 * results come back on the calling Vert.x context.
 */
public interface RedisLink extends AutoCloseable {
  /** Single node: no Redis at all. */
  RedisLink NONE = new None();

  /**
   * Connects to {@code url} (failing fast if Redis is unreachable at start) behind a circuit
   * breaker, and subscribes {@code onMessage} to {@code channel}.
   */
  static RedisLink connect(
      Vertx vertx,
      String url,
      Duration timeout,
      String channel,
      BiConsumer<String, String> onMessage,
      Function<Runnable, Breaker> breakerFactory,
      Runnable onRecovery,
      io.hotpath.kernel.Observer observer) {
    return new LettuceRedis(
        vertx, url, timeout, channel, onMessage, breakerFactory, onRecovery, observer);
  }

  /** Whether a Redis is configured at all (false: single node). */
  boolean configured();

  /** Whether Redis is being used now (configured, breaker closed or probing). */
  boolean available();

  /** The connection, for Bucket4j's proxy manager; empty on a single node. */
  Optional<StatefulRedisConnection<String, byte[]>> connection();

  Future<byte[]> get(String key);

  Future<List<KeyValue<String, byte[]>>> mget(List<String> keys);

  /** Writes all values, each with its own TTL, pipelined (one flush). */
  Future<Void> setAll(Map<String, byte[]> values, Function<String, Long> ttlMillis);

  /** SET key NX PX: true when this caller took the lock. */
  Future<Boolean> tryLock(String key, long ttlMillis);

  Future<Void> del(Collection<String> keys);

  /** Publishes; the result is how many subscribers (instances, this one included) received it. */
  Future<Long> publish(String channel, String message);

  /** A ping through the breaker (readiness, recovery probes). */
  Future<Void> ping();

  @Override
  void close();

  /** The single-node link: nothing to call. */
  final class None implements RedisLink {
    private static final Future<?> ABSENT =
        Future.failedFuture(new IllegalStateException("no Redis configured (single node)"));

    private None() {}

    @SuppressWarnings("unchecked")
    private static <T> Future<T> absent() {
      return (Future<T>) ABSENT;
    }

    @Override
    public boolean configured() {
      return false;
    }

    @Override
    public boolean available() {
      return false;
    }

    @Override
    public Optional<StatefulRedisConnection<String, byte[]>> connection() {
      return Optional.empty();
    }

    @Override
    public Future<byte[]> get(String key) {
      return absent();
    }

    @Override
    public Future<List<KeyValue<String, byte[]>>> mget(List<String> keys) {
      return absent();
    }

    @Override
    public Future<Void> setAll(Map<String, byte[]> values, Function<String, Long> ttlMillis) {
      return absent();
    }

    @Override
    public Future<Boolean> tryLock(String key, long ttlMillis) {
      return absent();
    }

    @Override
    public Future<Void> del(Collection<String> keys) {
      return absent();
    }

    @Override
    public Future<Long> publish(String channel, String message) {
      return absent();
    }

    @Override
    public Future<Void> ping() {
      return absent();
    }

    @Override
    public void close() {}
  }
}
