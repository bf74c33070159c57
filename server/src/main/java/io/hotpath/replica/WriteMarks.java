package io.hotpath.replica;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hotpath.cache.RedisLink;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * When each user last wrote, shared by all instances (Redis, with a local copy), so that a writer's
 * next read, on whichever instance, can be fenced to a replica that has replayed the write.
 *
 * <p>A write is marked twice: {@link #pending} before it runs (value "no replica will do", awaited,
 * so no later read can miss it) and {@link #done} when its response goes out (the time, which a
 * replica's caught-up time must reach). A mark only needs to live as long as the replica lag bound:
 * after that, a replica fresh enough for anybody is fresh enough for the writer. With Redis
 * configured but unreachable, {@link #lastWrite} answers "unknown", which sends the read to the
 * primary: the safe side.
 */
public final class WriteMarks {
  /** "Read from the primary": a write is in flight, or the marks cannot be read. */
  public static final long UNKNOWN = Long.MAX_VALUE;

  private final RedisLink redis;
  private final long ttlMillis;
  private final long pendingTtlMillis;
  private final Cache<Long, Long> local;

  /**
   * Marks kept for {@code maxLag}; pending marks for {@code maxLag + requestTimeout}; {@code redis}
   * is {@link RedisLink#NONE} on a single node.
   */
  public WriteMarks(RedisLink redis, Duration maxLag, Duration requestTimeout) {
    this.redis = redis;
    this.ttlMillis = Math.max(1, maxLag.toMillis());
    this.pendingTtlMillis = ttlMillis + requestTimeout.toMillis();
    this.local =
        Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMillis(pendingTtlMillis))
            .maximumSize(1_000_000)
            .build();
  }

  /** Marks a write by {@code user} as starting; completes once every instance can see the mark. */
  public Future<Void> pending(long user) {
    local.put(user, UNKNOWN);
    if (!redis.configured()) {
      return Future.succeededFuture();
    }
    return redis
        .setAll(Map.of(key(user), bytes(UNKNOWN)), k -> pendingTtlMillis)
        .recover(t -> Future.succeededFuture()); // readers treat an unreachable Redis as UNKNOWN
  }

  /** Records that {@code user}'s write finished at {@code millis} (response time). */
  public void done(long user, long millis) {
    local.put(user, millis);
    if (redis.configured()) {
      redis.setAll(Map.of(key(user), bytes(millis)), k -> ttlMillis);
    }
  }

  /**
   * The time of {@code user}'s last write still within the lag bound, {@link #UNKNOWN} when one is
   * in flight or the shared marks cannot be read, or null when there is none.
   */
  public Future<Long> lastWrite(long user) {
    Long mine = local.getIfPresent(user);
    if (!redis.configured()) {
      return Future.succeededFuture(mine);
    }
    if (!redis.available()) {
      return Future.succeededFuture(UNKNOWN);
    }
    return redis
        .get(key(user))
        .map(
            v -> {
              Long shared =
                  v == null ? null : Long.parseLong(new String(v, StandardCharsets.UTF_8));
              if (mine == null) {
                return shared;
              }
              return shared == null ? mine : Math.max(mine, shared);
            })
        .otherwise(UNKNOWN);
  }

  private static String key(long user) {
    return "v1:rw:" + user;
  }

  private static byte[] bytes(long v) {
    return Long.toString(v).getBytes(StandardCharsets.UTF_8);
  }
}
