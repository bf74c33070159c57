package io.hotpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Overload: offered twice the measured capacity, the server stays up, refuses the excess quickly
 * with 503 + Retry-After, keeps the latency of what it admitted bounded, and recovers as soon as
 * the load drops. Login (bcrypt, cost 10) is the workload: its capacity is small enough to exceed
 * with a load generator in the same JVM, and its queue (the CPU worker pool) is the one that would
 * otherwise grow without limit.
 */
@Tag("perf") // wall-clock latency bounds: run apart from the functional suite (./hotpath perf-test)
class OverloadTest {
  private static final String LOGIN =
      "{\"user\":{\"email\":\"%s@example.com\",\"password\":\"password123\"}}";

  record Result(int status, long latencyNanos) {}

  @Test
  void twice_the_login_capacity_is_shed_fast_and_admitted_latency_stays_bounded() throws Exception {
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of("BCRYPT_COST", "10", "CPU_WORKERS", "2", "HASH_QUEUE", "6")))) {
      var server = new TestServer(app);
      String user = "over" + TestServer.uid();
      server.register(user);
      String body = LOGIN.formatted(user);

      // capacity: closed loop, 4 at a time, 3 s
      var ok = new AtomicInteger();
      var stop = new AtomicBoolean();
      var threads = new ArrayList<Thread>();
      for (int i = 0; i < 4; i++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      while (!stop.get()) {
                        if (server.post("/api/users/login", body, null).status() == 200) {
                          ok.incrementAndGet();
                        }
                      }
                    }));
      }
      Thread.sleep(3000);
      stop.set(true);
      for (var t : threads) {
        t.join();
      }
      double capacity = ok.get() / 3.0;
      assertThat(capacity).as("measured login capacity/s").isGreaterThan(2);

      // open model at 2x capacity for 6 s: each request sent at its scheduled time on its own
      // thread, latency measured from the scheduled time (no coordinated omission)
      double rate = 2 * capacity;
      long intervalNanos = (long) (1e9 / rate);
      int total = (int) (6 * rate);
      var results = new ConcurrentLinkedQueue<Result>();
      var done = new CountDownLatch(total);
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        Thread.ofVirtual()
            .start(
                () -> {
                  int status;
                  try {
                    var r = server.post("/api/users/login", body, null);
                    status = r.status();
                    if (status == 503) {
                      assertThat(r.header("Retry-After")).isNotNull();
                    }
                  } catch (RuntimeException | AssertionError e) {
                    status = 0;
                  }
                  results.add(new Result(status, System.nanoTime() - due));
                  done.countDown();
                });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).as("all requests answered").isTrue();

      var admitted = latencies(results, 200);
      var shed = latencies(results, 503);
      long others = results.stream().filter(r -> r.status() != 200 && r.status() != 503).count();
      double admittedP99 = p99(admitted);
      double shedP99 = p99(shed);
      System.out.printf(
          "OVERLOAD login: capacity %.1f/s, offered %.1f/s for 6 s: %d sent, %d admitted (p99 %.0f"
              + " ms), %d shed with 503 (p99 %.0f ms), %d other%n",
          capacity, rate, total, admitted.length, admittedP99, shed.length, shedP99, others);

      assertThat(others).as("answers other than 200 and 503").isZero();
      assertThat(shed.length).as("requests shed").isGreaterThan(total / 10);
      assertThat(admitted.length).as("requests admitted").isGreaterThan(total / 4);
      // queue of 6 hashes + 2 running at ~capacity/s: well under a second; unbounded, the backlog
      // at 2x for 6 s would reach 3 s
      assertThat(admittedP99).as("p99 of admitted logins, ms").isLessThan(1500);
      assertThat(shedP99).as("p99 of shed requests, ms").isLessThan(300);

      // recovery: as soon as the load is gone, a login is served promptly
      long t0 = System.nanoTime();
      assertThat(server.post("/api/users/login", body, null).status()).isEqualTo(200);
      assertThat((System.nanoTime() - t0) / 1e6)
          .as("first login after the load, ms")
          .isLessThan(1000);
    }
  }

  @Test
  void requests_beyond_max_inflight_are_refused_at_once_and_slow_ones_time_out() throws Exception {
    try (var app =
        Hotpath.start(
            TestServer.config(
                Map.of("BCRYPT_COST", "12", "MAX_INFLIGHT", "2", "REQUEST_TIMEOUT_MS", "150")))) {
      var server = new TestServer(app);
      var results = new ConcurrentLinkedQueue<Result>();
      var threads = new ArrayList<Thread>();
      for (int i = 0; i < 12; i++) {
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      long t0 = System.nanoTime();
                      var r =
                          server.post(
                              "/api/users/login",
                              LOGIN.formatted("nobody" + TestServer.uid()),
                              null);
                      results.add(new Result(r.status(), System.nanoTime() - t0));
                    }));
      }
      for (var t : threads) {
        t.join();
      }
      // every login costs ~0.3 s of bcrypt: with 2 in flight and a 150 ms timeout, nothing gets a
      // 401 in time; everything is a 503, the refused ones at once
      assertThat(results).extracting(Result::status).containsOnly(503);
      assertThat(p99(latencies(results, 503))).as("p99 of the 503s, ms").isLessThan(1000);
      assertThat(server.get("/health/live", null).status()).isEqualTo(200);
      var metrics = server.get("/metrics", null).body();
      assertThat(metricValue(metrics, "hotpath_http_shed_total")).isPositive();
      assertThat(metricValue(metrics, "hotpath_http_timeouts_total")).isPositive();
    }
  }

  private static double metricValue(String metrics, String name) {
    return Arrays.stream(metrics.split("\n"))
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long[] latencies(ConcurrentLinkedQueue<Result> results, int status) {
    return results.stream()
        .filter(r -> r.status() == status)
        .mapToLong(Result::latencyNanos)
        .sorted()
        .toArray();
  }

  private static double p99(long[] sorted) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, sorted.length * 0.99)] / 1e6;
  }
}
