package io.hotpath.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The Redis circuit breaker on a ticker the test moves. */
class BreakerTest {
  final AtomicLong now = new AtomicLong(1_000);
  final AtomicInteger recoveries = new AtomicInteger();
  final Breaker breaker =
      new Breaker(3, Duration.ofSeconds(1).toNanos(), now::get, recoveries::incrementAndGet);

  @Test
  void it_opens_after_the_threshold_of_consecutive_failures() {
    breaker.failure();
    breaker.failure();
    assertThat(breaker.allow()).isTrue();
    breaker.failure();
    assertThat(breaker.isOpen()).isTrue();
    assertThat(breaker.allow()).isFalse();
  }

  @Test
  void a_success_in_between_resets_the_count() {
    breaker.failure();
    breaker.failure();
    breaker.success();
    breaker.failure();
    breaker.failure();
    assertThat(breaker.isOpen()).isFalse();
  }

  @Test
  void once_open_long_enough_exactly_one_probe_goes_through() {
    for (int i = 0; i < 3; i++) {
      breaker.failure();
    }
    now.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(breaker.allow()).isFalse();
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(breaker.allow()).as("the probe").isTrue();
    assertThat(breaker.allow()).as("everyone else while it is out").isFalse();
  }

  @Test
  void a_successful_probe_closes_it_and_runs_recovery_once() {
    for (int i = 0; i < 3; i++) {
      breaker.failure();
    }
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(breaker.allow()).isTrue();
    breaker.success();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(breaker.allow()).isTrue();
    breaker.success();
    assertThat(recoveries.get()).isEqualTo(1);
  }

  @Test
  void a_failed_probe_keeps_it_open_for_another_period() {
    for (int i = 0; i < 3; i++) {
      breaker.failure();
    }
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(breaker.allow()).isTrue();
    breaker.failure();
    assertThat(breaker.allow()).isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(breaker.allow()).isTrue();
    assertThat(recoveries.get()).isZero();
  }
}
