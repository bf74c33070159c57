package io.hotpath.cache;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.lettuce.core.KeyValue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One named cache: L1 in-process (Caffeine), L2 Redis when configured, then the database loader.
 *
 * <ul>
 *   <li><b>Cache-aside</b>: {@link #get} and {@link #getAll} read L1, then L2 (one MGET for a
 *       batch), then load every remaining miss with one call of the batch loader (one SQL statement
 *       with {@code = ANY($1)}), and fill L2 in one pipelined write.
 *   <li><b>Stampede prevention</b>: concurrent misses of one key on one instance share one load
 *       (Caffeine's in-flight futures). Across instances, a single-key miss takes a short Redis
 *       lock (SET NX PX); the others poll L2 on Vert.x timers (never sleeping on the event loop)
 *       until the value appears, the lock is gone without one (they contend again), or the lock
 *       would have expired.
 *   <li><b>TTLs with jitter</b> (±10%) in L2; "not found" is cached too, for a shorter time.
 *   <li><b>Invalidation</b> ({@link #invalidate}) drops L1, deletes L2 and publishes the keys so
 *       other instances drop their L1 copy; while Redis is down the keys are remembered and
 *       replayed when it returns.
 * </ul>
 *
 * Keys in Redis are {@code v2:<cache>:<id>}: bump the version when a cached shape changes.
 */
public final class TwoLevelCache<V> {
  static final String VERSION = "v2"; // v2: article and profile cores carry their row version
  private static final byte[] NOT_FOUND = new byte[0];
  private static final int LOCK_POLLS =
      120; // x 25 ms: waiters give up only when the lock (3 s) would have expired
  private static final long LOCK_POLL_MS = 25;

  private final String name;
  private final Caches owner;
  private final Vertx vertx;
  private final RedisLink redis;
  private final ObjectMapper json;
  private final JavaType type;
  private final Duration ttl;
  private final Duration negativeTtl;
  private final Function<Set<String>, Future<Map<String, V>>> loader;
  private final AsyncCache<String, Optional<V>> l1;
  private final java.util.function.LongSupplier ticker;
  private final boolean noL1;
  // L1's statistics, held so that hits answered without Caffeine's getAll still count as hits
  private final com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter l1Stats =
      new com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter();

  final LongAdder l2Hits = new LongAdder();
  final LongAdder l2Misses = new LongAdder();
  final LongAdder loads = new LongAdder();
  final LongAdder loadNanos = new LongAdder();

  /** Why a load went to the database without the cross-instance lock's protection. */
  enum Unguarded {
    /** the breaker was open: Redis is treated as down */
    REDIS_UNAVAILABLE,
    /** a Redis command failed or timed out */
    REDIS_ERROR,
    /** another instance held the lock longer than it lives, without storing a value */
    LOCK_WAIT_EXPIRED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Keys loaded without cross-instance stampede protection, by reason (metrics and tests). */
  final java.util.Map<Unguarded, LongAdder> unguarded = new java.util.EnumMap<>(Unguarded.class);

  {
    for (Unguarded u : Unguarded.values()) {
      unguarded.put(u, new LongAdder());
    }
  }

  TwoLevelCache(
      String name,
      Caches owner,
      Vertx vertx,
      RedisLink redis,
      ObjectMapper json,
      JavaType type,
      CacheSettings settings,
      Function<Set<String>, Future<Map<String, V>>> loader,
      java.util.function.LongSupplier ticker) {
    this.name = name;
    this.ticker = ticker;
    // an L1 of size 0 is no L1 at all (Caffeine would still serve an entry until it evicts it)
    this.noL1 = settings.l1MaxEntries() == 0;
    this.owner = owner;
    this.vertx = vertx;
    this.redis = redis;
    this.json = json;
    this.type = type;
    this.ttl = settings.ttl();
    this.negativeTtl = settings.negativeTtl();
    this.loader = loader;
    Duration l1Ttl = settings.l1Ttl();
    Duration l1Negative =
        settings.negativeTtl().compareTo(l1Ttl) < 0 ? settings.negativeTtl() : l1Ttl;
    this.l1 =
        Caffeine.newBuilder()
            .executor(Caches.SAME_THREAD)
            .ticker(ticker::getAsLong)
            .maximumSize(settings.l1MaxEntries())
            .recordStats(() -> l1Stats)
            .expireAfter(
                new Expiry<String, Optional<V>>() {
                  @Override
                  public long expireAfterCreate(String k, Optional<V> v, long now) {
                    return (v.isPresent() ? l1Ttl : l1Negative).toNanos();
                  }

                  @Override
                  public long expireAfterUpdate(String k, Optional<V> v, long now, long current) {
                    return expireAfterCreate(k, v, now);
                  }

                  @Override
                  public long expireAfterRead(String k, Optional<V> v, long now, long current) {
                    return current;
                  }
                })
            .buildAsync();
  }

  public String name() {
    return name;
  }

  AsyncCache<String, Optional<V>> l1() {
    return l1;
  }

  /** The value for {@code id}, or empty when the loader found nothing. */
  public Future<Optional<V>> get(String id) {
    if (noL1) {
      return loadOne(id);
    }
    CompletableFuture<Optional<V>> kept = l1.asMap().get(id);
    if (ready(kept)) {
      l1Stats.recordHits(1);
      return Future.succeededFuture(kept.join());
    }
    CompletableFuture<Optional<V>> cf = l1.get(id, (k, executor) -> toCompletable(loadOne(k)));
    return Future.fromCompletionStage(cf, vertx.getOrCreateContext());
  }

  /**
   * The values found for {@code ids} (absent ids are missing from the map), in one batch per level.
   */
  public Future<Map<String, V>> getAll(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    if (noL1) {
      return loadMany(new LinkedHashSet<>(ids))
          .map(
              found -> {
                var out = new HashMap<String, V>(found.size() * 2);
                found.forEach((k, v) -> v.ifPresent(x -> out.put(k, x)));
                return out;
              });
    }
    Map<String, V> hits = allReady(ids);
    if (hits != null) {
      return Future.succeededFuture(hits);
    }
    CompletableFuture<Map<String, Optional<V>>> cf =
        l1.getAll(
            new LinkedHashSet<>(ids),
            (missing, executor) -> toCompletable(loadMany(new LinkedHashSet<>(missing))));
    return Future.fromCompletionStage(cf, vertx.getOrCreateContext())
        .map(
            found -> {
              var out = new HashMap<String, V>(found.size() * 2);
              found.forEach((k, v) -> v.ifPresent(x -> out.put(k, x)));
              return out;
            });
  }

  private static boolean ready(CompletableFuture<?> f) {
    return f != null && f.isDone() && !f.isCompletedExceptionally();
  }

  /**
   * The warm path of {@link #getAll}: when every id is already loaded in L1, the values, read
   * without Caffeine's getAll (which builds a future per key and a map of futures: the biggest item
   * of a cached list page's CPU profile); else null. {@code asMap().get} still feeds the eviction
   * policy's frequency sketch; the hits are counted here.
   */
  private Map<String, V> allReady(Collection<String> ids) {
    var out = new HashMap<String, V>(ids.size() * 2);
    var map = l1.asMap();
    for (String id : ids) {
      CompletableFuture<Optional<V>> f = map.get(id);
      if (!ready(f)) {
        return null;
      }
      f.join().ifPresent(v -> out.put(id, v));
    }
    l1Stats.recordHits(ids.size());
    return out;
  }

  /**
   * Drops the ids everywhere: this instance's L1, Redis, and (through pub/sub) the other instances'
   * L1. Completes when Redis has deleted them (or is known to be down: then they are replayed
   * later).
   */
  public Future<Void> invalidate(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    invalidateLocal(ids);
    return redis.configured() ? owner.invalidateRemote(this, ids) : Future.succeededFuture();
  }

  /**
   * Write-through of a change this instance has just committed: its L1 value for {@code id}, when
   * one is loaded, becomes {@code change} applied to it, so the next read here costs no load; L2
   * and the other instances' L1 are invalidated as by {@link #invalidate}, so they load the
   * committed row. The replacement is a compare-and-set against the value {@code change} saw: a
   * concurrent update is applied on top of the other, never lost. When there is nothing to change
   * from (a load still in flight, which may have read the row before the write, or a cached "not
   * found") or {@code change} returns null (it cannot be applied: the value must be loaded again),
   * the L1 entry is dropped instead, as by {@link #invalidate}.
   */
  public Future<Void> update(String id, UnaryOperator<V> change) {
    if (!noL1) {
      var map = l1.asMap();
      while (true) {
        CompletableFuture<Optional<V>> kept = map.get(id);
        if (kept == null) {
          break;
        }
        V next = ready(kept) ? kept.join().map(change).orElse(null) : null;
        if (next == null
            ? map.remove(id, kept)
            : map.replace(id, kept, CompletableFuture.completedFuture(Optional.of(next)))) {
          break;
        }
      }
    }
    return redis.configured()
        ? owner.invalidateRemote(this, List.of(id))
        : Future.succeededFuture();
  }

  void invalidateLocal(Collection<String> ids) {
    l1.synchronous().invalidateAll(ids);
  }

  String key(String id) {
    return VERSION + ":" + name + ":" + id;
  }

  private Future<Optional<V>> loadOne(String id) {
    if (!redis.available()) {
      return unguardedLoad(id, Unguarded.REDIS_UNAVAILABLE);
    }
    String key = key(id);
    return redis
        .get(key)
        .transform(
            ar -> {
              if (ar.succeeded() && ar.result() != null) {
                l2Hits.increment();
                return Future.succeededFuture(decode(ar.result()));
              }
              l2Misses.increment();
              if (ar.failed()) {
                return unguardedLoad(id, Unguarded.REDIS_ERROR);
              }
              return lockedLoad(id);
            });
  }

  /**
   * A miss in L2 too: one instance loads under a short Redis lock, the others wait for its value.
   */
  private Future<Optional<V>> lockedLoad(String id) {
    String key = key(id);
    return redis
        .tryLock("lock:" + key, LOCK_POLLS * LOCK_POLL_MS)
        .transform(
            lock -> {
              if (lock.succeeded() && Boolean.TRUE.equals(lock.result())) {
                // double-check: between this instance's L2 miss and its taking the lock, another
                // instance may have loaded, stored and released (TwoLevelCacheRedisTest)
                return redis
                    .get(key)
                    .transform(
                        again -> {
                          if (again.succeeded() && again.result() != null) {
                            l2Hits.increment();
                            return Future.succeededFuture(decode(again.result()));
                          }
                          return loadAndStore(Set.of(id)).map(m -> Optional.ofNullable(m.get(id)));
                        })
                    .andThen(x -> redis.del(List.of("lock:" + key)));
              }
              if (lock.failed()) {
                return unguardedLoad(id, Unguarded.REDIS_ERROR);
              }
              return awaitOtherLoader(id, key, 0);
            });
  }

  /**
   * Another instance holds the load lock: poll L2 on timers until its value lands, or until the
   * lock is gone without a value (that load failed: the database refused it), and then contend for
   * the lock again instead of waiting out the lock's whole life for a value that will not come.
   */
  private Future<Optional<V>> awaitOtherLoader(String id, String key, int attempt) {
    if (attempt >= LOCK_POLLS) {
      unguarded.get(Unguarded.LOCK_WAIT_EXPIRED).increment();
      return loadAndStore(Set.of(id)).map(m -> Optional.ofNullable(m.get(id)));
    }
    Promise<Void> tick = Promise.promise();
    vertx.setTimer(LOCK_POLL_MS, t -> tick.complete());
    return tick.future()
        .compose(v -> redis.mget(List.of(key, "lock:" + key)))
        .transform(
            ar -> {
              if (ar.failed()) {
                return unguardedLoad(id, Unguarded.REDIS_ERROR);
              }
              var value = ar.result().get(0);
              if (value.hasValue()) {
                l2Hits.increment();
                return Future.succeededFuture(decode(value.getValue()));
              }
              if (!ar.result().get(1).hasValue()) {
                return lockedLoad(id); // released without a value
              }
              return awaitOtherLoader(id, key, attempt + 1);
            });
  }

  private Future<Map<String, Optional<V>>> loadMany(Set<String> ids) {
    if (!redis.available()) {
      unguarded.get(Unguarded.REDIS_UNAVAILABLE).add(ids.size());
      return loadFromDb(ids).map(found -> complete(ids, found));
    }
    var keys = new ArrayList<String>(ids.size());
    for (String id : ids) {
      keys.add(key(id));
    }
    return redis
        .mget(keys)
        .transform(
            ar -> {
              var result = new HashMap<String, Optional<V>>(ids.size() * 2);
              var missing = new LinkedHashSet<String>();
              if (ar.succeeded()) {
                var it = ids.iterator();
                for (KeyValue<String, byte[]> kv : ar.result()) {
                  String id = it.next();
                  if (kv.hasValue()) {
                    result.put(id, decode(kv.getValue()));
                  } else {
                    missing.add(id);
                  }
                }
                l2Hits.add(result.size());
                l2Misses.add(missing.size());
              } else {
                missing.addAll(ids);
                unguarded.get(Unguarded.REDIS_ERROR).add(ids.size());
              }
              if (missing.isEmpty()) {
                return Future.succeededFuture(result);
              }
              if (missing.size() == 1 && ar.succeeded()) {
                // a single hot key (e.g. one article read by many): same cross-instance lock as
                // get()
                String only = missing.iterator().next();
                return lockedLoad(only)
                    .map(
                        v -> {
                          result.put(only, v);
                          return result;
                        });
              }
              Future<Map<String, V>> loaded =
                  ar.succeeded() ? loadAndStore(missing) : loadFromDb(missing);
              return loaded.map(
                  found -> {
                    result.putAll(complete(missing, found));
                    return result;
                  });
            });
  }

  /**
   * Loads from the database, then writes every result (and every "not found") to L2 in one
   * pipeline.
   */
  private Future<Map<String, V>> loadAndStore(Set<String> ids) {
    return loadFromDb(ids)
        .andThen(
            ar -> {
              if (ar.succeeded() && redis.available()) {
                var values = new HashMap<String, byte[]>(ids.size() * 2);
                for (String id : ids) {
                  V v = ar.result().get(id);
                  values.put(key(id), v == null ? NOT_FOUND : encode(v));
                }
                redis.setAll(values, k -> jittered(values.get(k).length == 0 ? negativeTtl : ttl));
              }
            });
  }

  private Future<Optional<V>> unguardedLoad(String id, Unguarded reason) {
    unguarded.get(reason).increment();
    return loadFromDb(Set.of(id)).map(m -> Optional.ofNullable(m.get(id)));
  }

  private Future<Map<String, V>> loadFromDb(Set<String> ids) {
    long t0 = ticker.getAsLong();
    loads.add(ids.size());
    return loader.apply(ids).andThen(ar -> loadNanos.add(ticker.getAsLong() - t0));
  }

  private Map<String, Optional<V>> complete(Set<String> ids, Map<String, V> found) {
    var out = new HashMap<String, Optional<V>>(ids.size() * 2);
    for (String id : ids) {
      out.put(id, Optional.ofNullable(found.get(id)));
    }
    return out;
  }

  private static long jittered(Duration d) {
    long ms = d.toMillis();
    return Math.max(1, ms + ThreadLocalRandom.current().nextLong(-ms / 10, ms / 10 + 1));
  }

  private byte[] encode(V v) {
    try {
      return json.writeValueAsBytes(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<V> decode(byte[] bytes) {
    if (bytes.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(bytes, type));
    } catch (IOException e) {
      throw new UncheckedIOException("cache " + name + ": stored value has an unexpected shape", e);
    }
  }

  private static <T> CompletableFuture<T> toCompletable(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture();
  }
}
