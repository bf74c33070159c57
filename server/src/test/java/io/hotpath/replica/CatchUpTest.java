package io.hotpath.replica;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Replica selection: when a replica has caught up, and which reads it may serve. */
class CatchUpTest {
  final CatchUp c = new CatchUp(3);

  @Test
  void the_replica_has_caught_up_to_the_time_of_the_last_sample_it_replayed() {
    c.primaryAt(1_000, 100);
    c.primaryAt(1_100, 200);
    c.primaryAt(1_200, 300);
    assertThat(c.caughtUpTo()).isEqualTo(CatchUp.UNKNOWN);
    c.replayed(250);
    assertThat(c.caughtUpTo()).isEqualTo(1_100);
    c.replayed(240); // replay positions do not go back; nor does caught-up time
    assertThat(c.caughtUpTo()).isEqualTo(1_100);
    c.replayed(300);
    assertThat(c.caughtUpTo()).isEqualTo(1_200);
  }

  @Test
  void samples_beyond_the_cap_drop_the_oldest() {
    for (int i = 1; i <= 5; i++) {
      c.primaryAt(i * 100, i * 10);
    }
    c.replayed(20); // the samples of 10 and 20 were dropped
    assertThat(c.caughtUpTo()).isEqualTo(CatchUp.UNKNOWN);
    c.replayed(30);
    assertThat(c.caughtUpTo()).isEqualTo(300);
  }

  @Test
  void a_fresh_enough_replica_serves_anonymous_reads_and_writers_past_their_write() {
    long now = 10_000;
    assertThat(CatchUp.serves(9_500, now, 1_000, null, false)).isTrue();
    assertThat(CatchUp.serves(8_900, now, 1_000, null, false)).as("too far behind").isFalse();
    assertThat(CatchUp.serves(9_500, now, 1_000, 9_400L, false)).as("past the write").isTrue();
    assertThat(CatchUp.serves(9_500, now, 1_000, 9_600L, false)).as("before the write").isFalse();
    assertThat(CatchUp.serves(9_999, now, 1_000, ReadFence.PRIMARY, false)).isFalse();
    assertThat(CatchUp.serves(CatchUp.UNKNOWN, now, 1_000, null, false)).isFalse();
  }

  @Test
  void with_the_primary_down_a_lagging_replica_still_serves_anonymous_reads() {
    assertThat(CatchUp.serves(1_000, 10_000, 1_000, null, true)).isTrue();
    assertThat(CatchUp.serves(1_000, 10_000, 1_000, 2_000L, true)).isFalse();
  }

  @Test
  void unknown_until_sampled_again() {
    c.primaryAt(1_000, 100);
    c.replayed(100);
    c.unknown();
    assertThat(c.caughtUpTo()).isEqualTo(CatchUp.UNKNOWN);
  }
}
