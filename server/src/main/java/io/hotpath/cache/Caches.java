package io.hotpath.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of an instance's caches, sharing one Redis link (or none: then L1 only) and one invalidation
 * channel.
 *
 * <p>Read-after-write across instances: a write deletes the keys in Redis, publishes {@code
 * inv|<instance>|<msg>|<cache>|<ids>} and then waits until every other subscribed instance (PUBLISH
 * says how many received it) has answered {@code ack|<instance>|<msg>} after dropping its L1 copy,
 * at most {@link #ACK_TIMEOUT_MS} ms. So once the write has returned, no live instance serves the
 * old value; an instance that does not answer in time keeps it at most for the L1 TTL.
 *
 * <p>Invalidations that could not reach Redis (breaker open) are kept, up to {@link #MAX_PENDING}
 * ids, and replayed when Redis answers again; every instance also drops its whole L1 then, since it
 * may have missed others' messages.
 */
public final class Caches implements AutoCloseable {
  /**
   * The executor of every Caffeine cache on the request path: Caffeine's own maintenance (draining
   * its read and write buffers, evicting) runs on the thread that triggered it, an event loop,
   * instead of being handed to ForkJoinPool.commonPool. The hand-off woke a pool thread every few
   * reads and contended on the eviction lock with it: 8% of the server's CPU on cached list pages
   * on 2 cores (docs/caching.md, "Caffeine on the event loop"). Loads never use it: they are Vert.x
   * futures.
   */
  public static final java.util.concurrent.Executor SAME_THREAD = Runnable::run;

  private static final Logger LOG = LoggerFactory.getLogger(Caches.class);
  static final String CHANNEL = "hotpath:invalidate";
  private static final int MAX_PENDING = 100_000;
  static final long ACK_TIMEOUT_MS = 200;

  private final Vertx vertx;
  private final ObjectMapper json;
  private final MeterRegistry registry;
  private final String instance = UUID.randomUUID().toString();
  private final Map<String, TwoLevelCache<?>> byName = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> pending = new ConcurrentHashMap<>();
  private final Map<String, Awaiting> awaiting = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong messages =
      new java.util.concurrent.atomic.AtomicLong();

  /** A published invalidation waiting for the other instances' acknowledgements. */
  private record Awaiting(
      io.vertx.core.Promise<Void> done, java.util.concurrent.atomic.AtomicLong missing) {}

  private final RedisLink redis;
  private final io.hotpath.kernel.Time time;
  private final boolean readCaches;

  /**
   * Caches for this instance; with a {@code redisUrl}, L2 and cross-instance invalidation are on.
   * {@code time}'s ticker drives L1 expiry and the Redis circuit breaker.
   */
  public Caches(
      Vertx vertx,
      ObjectMapper json,
      MeterRegistry registry,
      java.util.Optional<String> redisUrl,
      Duration redisTimeout,
      io.hotpath.kernel.Time time,
      io.hotpath.kernel.Observer observer,
      boolean readCaches) {
    this.time = time;
    this.readCaches = readCaches;
    this.vertx = vertx;
    this.json = json;
    this.registry = registry;
    this.redis =
        redisUrl.isEmpty()
            ? RedisLink.NONE
            : RedisLink.connect(
                vertx,
                redisUrl.get(),
                redisTimeout,
                CHANNEL,
                this::onMessage,
                recovery ->
                    new Breaker(3, Duration.ofSeconds(1).toNanos(), time.ticker(), recovery),
                this::onRecovery,
                observer);
    if (redis.configured()) {
      Gauge.builder("hotpath.redis.available", () -> redis.available() ? 1 : 0)
          .description("1 while Redis is used, 0 while the circuit breaker skips it")
          .register(registry);
    }
  }

  /**
   * A read cache: like {@link #create}, but with CACHE=off a pass-through (no L1 entries, no Redis,
   * every get loads; invalidation has nothing to drop), so the code using it is the same either
   * way.
   */
  public <V> TwoLevelCache<V> readCache(
      String name,
      JavaType type,
      CacheSettings settings,
      Function<Set<String>, Future<Map<String, V>>> loader) {
    if (readCaches) {
      return create(name, type, settings, loader);
    }
    var cache =
        new TwoLevelCache<V>(
            name,
            this,
            vertx,
            RedisLink.NONE,
            json,
            type,
            new CacheSettings(0, settings.l1Ttl(), settings.ttl(), settings.negativeTtl()),
            loader,
            time.ticker());
    register(name, cache);
    return cache;
  }

  /** Creates and registers a cache whose misses are loaded in batches by {@code loader}. */
  public <V> TwoLevelCache<V> create(
      String name,
      JavaType type,
      CacheSettings settings,
      Function<Set<String>, Future<Map<String, V>>> loader) {
    var cache =
        new TwoLevelCache<V>(name, this, vertx, redis, json, type, settings, loader, time.ticker());
    register(name, cache);
    return cache;
  }

  private void register(String name, TwoLevelCache<?> cache) {
    if (byName.putIfAbsent(name, cache) != null) {
      throw new IllegalArgumentException("cache " + name + " already exists");
    }
    CaffeineCacheMetrics.monitor(registry, cache.l1(), name);
    FunctionCounter.builder("hotpath.cache.l2.hits", cache, c -> c.l2Hits.sum())
        .tag("cache", name)
        .register(registry);
    FunctionCounter.builder("hotpath.cache.l2.misses", cache, c -> c.l2Misses.sum())
        .tag("cache", name)
        .register(registry);
    FunctionCounter.builder("hotpath.cache.loads", cache, c -> c.loads.sum())
        .tag("cache", name)
        .description("keys loaded from the database")
        .register(registry);
    for (var reason : TwoLevelCache.Unguarded.values()) {
      FunctionCounter.builder(
              "hotpath.cache.loads.unguarded", cache, c -> c.unguarded.get(reason).sum())
          .tag("cache", name)
          .tag("reason", reason.tag())
          .description(
              "keys loaded without the cross-instance lock (Redis down, slow or lock lost)")
          .register(registry);
    }
    FunctionCounter.builder("hotpath.cache.load.seconds", cache, c -> c.loadNanos.sum() / 1e9)
        .tag("cache", name)
        .description("time spent loading from the database")
        .register(registry);
  }

  /** The JavaType for {@code type}, for {@link #create}. */
  public JavaType type(Class<?> type) {
    return json.constructType(type);
  }

  /** Whether read caches keep anything (false with CACHE=off: they are pass-throughs). */
  public boolean readCaches() {
    return readCaches;
  }

  /** The Redis link ({@link RedisLink#NONE} on a single node). */
  public RedisLink redis() {
    return redis;
  }

  /** Drops every L1 entry of this instance (tests; operators after a manual data fix). */
  public void clearLocal() {
    byName.values().forEach(c -> c.l1().synchronous().invalidateAll());
  }

  /** Keys loaded from the database by the named cache (tests and metrics). */
  public long loads(String name) {
    return byName.get(name).loads.sum();
  }

  /**
   * Keys the named cache loaded without cross-instance stampede protection because Redis was down,
   * slow, or the lock holder never stored a value (tests and metrics).
   */
  public long unguardedLoads(String name) {
    return byName.get(name).unguarded.values().stream().mapToLong(LongAdder::sum).sum();
  }

  Future<Void> invalidateRemote(TwoLevelCache<?> cache, Collection<String> ids) {
    if (!redis.configured()) {
      return Future.succeededFuture();
    }
    var keys = new ArrayList<String>(ids.size());
    for (String id : ids) {
      keys.add(cache.key(id));
    }
    String msg = Long.toString(messages.incrementAndGet());
    String message =
        "inv|" + instance + "|" + msg + "|" + cache.name() + "|" + String.join("\u001f", ids);
    var waiting =
        new Awaiting(
            io.vertx.core.Promise.promise(),
            new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE));
    awaiting.put(msg, waiting);
    return redis
        .del(keys)
        .compose(v -> redis.publish(CHANNEL, message))
        .compose(
            receivers -> {
              long others = receivers - 1; // this instance is subscribed too
              if (waiting.missing().addAndGet(others - Long.MAX_VALUE) <= 0) {
                waiting.done().tryComplete();
              }
              long timer =
                  vertx.setTimer(
                      ACK_TIMEOUT_MS,
                      t -> {
                        if (waiting.done().tryComplete()) {
                          LOG.warn(
                              "invalidation {} of cache {}: {} instance(s) did not acknowledge within {} ms",
                              msg,
                              cache.name(),
                              waiting.missing().get(),
                              ACK_TIMEOUT_MS);
                        }
                      });
              return waiting.done().future().andThen(x -> vertx.cancelTimer(timer));
            })
        .recover(
            t -> {
              remember(cache.name(), ids);
              return Future.succeededFuture();
            })
        .andThen(x -> awaiting.remove(msg));
  }

  private void remember(String name, Collection<String> ids) {
    var set = pending.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
    if (set.size() + ids.size() > MAX_PENDING) {
      LOG.error(
          "more than {} invalidations missed while Redis was down; cache {} may serve stale values until their TTL",
          MAX_PENDING,
          name);
      return;
    }
    set.addAll(ids);
  }

  private void onMessage(String channel, String message) {
    String[] parts = message.split("\\|", 5);
    if (parts.length == 3 && parts[0].equals("ack") && parts[1].equals(instance)) {
      var w = awaiting.get(parts[2]);
      if (w != null && w.missing().decrementAndGet() <= 0) {
        w.done().tryComplete();
      }
      return;
    }
    if (parts.length != 5 || !parts[0].equals("inv") || parts[1].equals(instance)) {
      return;
    }
    var cache = byName.get(parts[3]);
    if (cache != null) {
      cache.invalidateLocal(List.of(parts[4].split("\u001f")));
    }
    redis.publish(CHANNEL, "ack|" + parts[1] + "|" + parts[2]);
  }

  /**
   * Redis is back: replay what it missed, and drop L1 wholesale (others' messages were lost too).
   */
  private void onRecovery() {
    LOG.info("Redis answers again: replaying missed invalidations and clearing L1");
    byName.values().forEach(c -> c.l1().synchronous().invalidateAll());
    vertx.runOnContext(
        v ->
            pending.forEach(
                (name, ids) -> {
                  var cache = byName.get(name);
                  var copy = List.copyOf(ids);
                  ids.removeAll(copy);
                  if (cache != null) {
                    invalidateRemote(cache, copy);
                  }
                }));
  }

  @Override
  public void close() {
    redis.close();
  }
}
