package io.hotpath.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.http.Json;
import io.hotpath.kernel.Observer;
import io.hotpath.kernel.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache's L1 rules without Redis or a database: batch loads, shared loads, TTLs on the ticker
 * (advanced by the test), negative caching, invalidation, and the CACHE=off pass-through.
 */
class TwoLevelCacheTest {
  static Vertx vertx;
  final AtomicLong ticker = new AtomicLong();
  final List<Set<String>> loads = new CopyOnWriteArrayList<>();
  final Map<String, String> source = new HashMap<>(Map.of("a", "A", "b", "B", "c", "C"));
  static final CacheSettings SETTINGS =
      new CacheSettings(
          1000, Duration.ofSeconds(60), Duration.ofSeconds(600), Duration.ofSeconds(5));

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  TwoLevelCache<String> cache(boolean readCaches) {
    var caches =
        new Caches(
            vertx,
            Json.MAPPER,
            new SimpleMeterRegistry(),
            Optional.empty(),
            Duration.ofMillis(100),
            new Time(Clock.systemUTC(), ticker::get),
            Observer.NOOP,
            readCaches);
    return caches.readCache(
        "test",
        caches.type(String.class),
        SETTINGS,
        ids -> {
          loads.add(Set.copyOf(ids));
          var found = new HashMap<String, String>();
          ids.forEach(id -> Optional.ofNullable(source.get(id)).ifPresent(v -> found.put(id, v)));
          return Future.succeededFuture(found);
        });
  }

  @Test
  void warm_reads_answered_without_caffeines_get_all_still_count_as_l1_hits() {
    var c = cache(true);
    c.getAll(List.of("a", "b", "zz")).await(); // 3 misses, one load
    c.get("a").await();
    c.getAll(List.of("a", "b", "zz")).await(); // all warm: "zz" is a kept "not found"
    c.getAll(List.of("a", "c")).await(); // one warm, one loaded
    var stats = c.l1().synchronous().stats();
    assertThat(stats.hitCount()).isEqualTo(1 + 3 + 1);
    assertThat(stats.missCount()).isEqualTo(3 + 1);
    assertThat(loads).containsExactly(Set.of("a", "b", "zz"), Set.of("c"));
  }

  @Test
  void a_batch_of_misses_is_one_load_and_then_served_from_memory() {
    var c = cache(true);
    assertThat(c.getAll(List.of("a", "b", "c", "zz")).await()).containsOnlyKeys("a", "b", "c");
    assertThat(loads).containsExactly(Set.of("a", "b", "c", "zz"));
    assertThat(c.getAll(List.of("a", "b", "c", "zz")).await()).hasSize(3);
    assertThat(loads).hasSize(1);
  }

  @Test
  void concurrent_gets_of_one_key_share_one_load() {
    var c = cache(true);
    var all = new ArrayList<Future<Optional<String>>>();
    for (int i = 0; i < 50; i++) {
      all.add(c.get("a"));
    }
    Future.all(all).await();
    assertThat(loads).hasSize(1);
  }

  @Test
  void an_entry_expires_after_its_l1_ttl_on_the_ticker() {
    var c = cache(true);
    c.get("a").await();
    ticker.addAndGet(Duration.ofSeconds(59).toNanos());
    c.get("a").await();
    assertThat(loads).hasSize(1);
    ticker.addAndGet(Duration.ofSeconds(2).toNanos());
    source.put("a", "A2");
    assertThat(c.get("a").await()).contains("A2");
    assertThat(loads).hasSize(2);
  }

  @Test
  void not_found_is_remembered_for_the_shorter_negative_ttl() {
    var c = cache(true);
    assertThat(c.get("new").await()).isEmpty();
    source.put("new", "N");
    ticker.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(c.get("new").await()).as("still the cached miss").isEmpty();
    ticker.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(c.get("new").await()).contains("N");
  }

  @Test
  void invalidation_drops_the_entry_at_once() {
    var c = cache(true);
    c.get("b").await();
    source.put("b", "B2");
    c.invalidate(List.of("b")).await();
    assertThat(c.get("b").await()).contains("B2");
  }

  @Test
  void with_read_caches_off_every_get_loads() {
    var c = cache(false);
    c.get("a").await();
    c.get("a").await();
    c.getAll(List.of("a", "b")).await();
    assertThat(loads).hasSize(3);
  }

  @Test
  void an_update_replaces_a_loaded_value_without_a_load() {
    var c = cache(true);
    c.get("a").await();
    source.put("a", "A2"); // committed: what a load would now find
    c.update("a", v -> v + "2").await();
    assertThat(c.get("a").await()).contains("A2");
    assertThat(loads).hasSize(1);
  }

  @Test
  void an_update_that_cannot_apply_or_finds_nothing_loaded_leaves_the_next_read_to_a_load() {
    var c = cache(true);
    c.get("a").await();
    source.put("a", "A2");
    c.update("a", v -> null).await();
    assertThat(c.get("a").await()).contains("A2");
    c.update("zz", v -> v + "!").await(); // nothing kept: nothing cached by the update
    c.get("zz").await();
    source.put("zz", "Z");
    c.get("zz").await(); // the kept "not found": an update does not turn it into a value
    c.update("zz", v -> v + "!").await();
    assertThat(c.get("zz").await()).contains("Z");
    assertThat(loads).hasSize(4);
  }

  @Test
  void an_update_during_a_load_drops_the_load_so_a_value_read_before_the_write_is_not_kept() {
    var pending = io.vertx.core.Promise.<Map<String, String>>promise();
    var caches =
        new Caches(
            vertx,
            Json.MAPPER,
            new SimpleMeterRegistry(),
            Optional.empty(),
            Duration.ofMillis(100),
            new Time(Clock.systemUTC(), ticker::get),
            Observer.NOOP,
            true);
    var loadsSeen = new AtomicLong();
    TwoLevelCache<String> c =
        caches.readCache(
            "slow",
            caches.type(String.class),
            SETTINGS,
            ids ->
                loadsSeen.incrementAndGet() == 1
                    ? pending.future()
                    : Future.succeededFuture(Map.of("a", "new")));
    var first = c.get("a"); // reads the row before the write
    c.update("a", v -> v + "!").await();
    pending.complete(Map.of("a", "old"));
    assertThat(first.await()).contains("old"); // that reader gets what it read
    assertThat(c.get("a").await()).contains("new"); // the next one does not
    assertThat(loadsSeen).hasValue(2);
  }

  @Test
  void concurrent_updates_of_one_key_are_each_applied_once() throws Exception {
    var c = cache(true);
    c.get("a").await();
    var threads = new ArrayList<Thread>();
    for (int i = 0; i < 8; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int j = 0; j < 500; j++) {
                      c.update("a", v -> v + "+").await();
                    }
                  }));
    }
    for (var t : threads) {
      t.join();
    }
    assertThat(c.get("a").await()).contains("A" + "+".repeat(8 * 500));
    assertThat(loads).hasSize(1);
  }
}
