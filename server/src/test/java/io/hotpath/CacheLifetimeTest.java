package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.config.Config;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How long an in-process entry lives. With Redis, L1 lives CACHE_L1_TTL_SECONDS: an instance that
 * missed an invalidation (partitioned, stalled) serves the old value at most that long. Single
 * node, no invalidation can be missed (they are in-process), and L1 is the only level, so it lives
 * as long as Redis entries would (CACHE_TTL_SECONDS, which bounds staleness against writes made
 * outside the server): at 60 s, every entry read less than once a minute was a statement, on the
 * realistic mix a quarter of them.
 */
class CacheLifetimeTest {
  private static Config.Cache cache(Optional<String> redis) {
    return new Config.Cache(
        true,
        redis,
        Duration.ofMillis(100),
        100_000,
        Duration.ofSeconds(60),
        Duration.ofSeconds(600),
        Duration.ofSeconds(5));
  }

  @Test
  void single_node_in_process_entries_live_as_long_as_shared_ones_would() {
    var settings = Features.cacheSettings(cache(Optional.empty()));
    assertThat(settings.l1Ttl()).isEqualTo(Duration.ofSeconds(600));
    assertThat(settings.negativeTtl()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void with_redis_in_process_entries_live_the_l1_lifetime() {
    var settings = Features.cacheSettings(cache(Optional.of("redis://127.0.0.1:6379")));
    assertThat(settings.l1Ttl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.ttl()).isEqualTo(Duration.ofSeconds(600));
  }
}
