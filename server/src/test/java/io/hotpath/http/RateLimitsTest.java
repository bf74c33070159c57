package io.hotpath.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.cache.RedisLink;
import io.hotpath.config.Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The login limits on local buckets, with time moved by the test. */
class RateLimitsTest {
  final AtomicLong ticker = new AtomicLong();
  final RateLimits limits =
      new RateLimits(
          null,
          RedisLink.NONE,
          Config.fromEnv(
                  Map.of(
                      "RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE", "3",
                      "RATE_LIMIT_LOGIN_ACCOUNT_CAP_PER_MINUTE", "5"))
              .limits(),
          false,
          new SimpleMeterRegistry(),
          ticker::get);

  boolean attempt(String client, String email) {
    return limits.consumeAll(limits.loginChecks(client, email)).await().admitted();
  }

  @Test
  void one_client_is_held_to_the_strict_limit_and_others_are_not() {
    for (int i = 0; i < 3; i++) {
      assertThat(attempt("attacker", "owner@x.io")).isTrue();
    }
    assertThat(attempt("attacker", "owner@x.io")).isFalse();
    assertThat(attempt("owner-laptop", "owner@x.io")).isTrue();
  }

  @Test
  void many_clients_together_meet_the_account_cap() {
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      admitted += attempt("client" + i, "owner@x.io") ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(5);
    assertThat(attempt("client-new", "other@x.io")).as("another account").isTrue();
  }

  @Test
  void the_buckets_refill_as_time_passes() {
    for (int i = 0; i < 3; i++) {
      attempt("c", "a@x.io");
    }
    var refused = limits.consumeAll(limits.loginChecks("c", "a@x.io")).await();
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.limit().name()).isEqualTo("login");
    assertThat(refused.retryAfterSeconds()).isBetween(1L, 20L);
    ticker.addAndGet(Duration.ofSeconds(20).toNanos()); // a third of a minute: one token back
    assertThat(attempt("c", "a@x.io")).isTrue();
    assertThat(attempt("c", "a@x.io")).isFalse();
  }

  @Test
  void off_admits_everything() {
    assertThat(RateLimits.off()).isNotNull();
  }
}
