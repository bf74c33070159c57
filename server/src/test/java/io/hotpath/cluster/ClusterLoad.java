package io.hotpath.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bounded closed-loop load for the fault suite: a few virtual threads, each sending one request at
 * a time through nginx, recording every outcome (status, latency, whether the method is
 * idempotent). A request "fails" when it gets a 5xx or no response at all.
 */
final class ClusterLoad implements AutoCloseable {
  /** One request to send: method, path, JSON body or null, token or null. */
  record Op(String method, String path, String body, String token) {
    boolean idempotent() {
      return method.equals("GET") || method.equals("PUT") || method.equals("DELETE");
    }
  }

  record Outcome(Op op, int status, long nanos, long startedNanos) {
    boolean failed() {
      return status == 0 || status >= 500;
    }
  }

  /** Totals of one run, printed by the suite and quoted in the closing note. */
  record Stats(
      int sent, int failed, int failedIdempotent, int writes, int failedWrites, double p99Ms) {
    @Override
    public String toString() {
      return String.format(
          "sent=%d failed=%d (idempotent %d; writes %d, failed %d) p99=%.1fms",
          sent, failed, failedIdempotent, writes, failedWrites, p99Ms);
    }
  }

  private final HttpClient http;
  private final String base;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean running = new AtomicBoolean(true);

  ClusterLoad(HttpClient http, String base, int workers, Supplier<Op> next) {
    this.http = http;
    this.base = base;
    for (int i = 0; i < workers; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (running.get()) {
                      Op op = next.get();
                      long t0 = System.nanoTime();
                      int status = send(op);
                      outcomes.add(new Outcome(op, status, System.nanoTime() - t0, t0));
                      if (status == 0) {
                        sleep(20); // a refused connection returns at once; do not spin
                      }
                    }
                  }));
    }
  }

  int send(Op op) {
    try {
      return http.send(request(base, op), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return 0;
    }
  }

  /** The HTTP request for {@code op} against {@code base} (JSON body, token auth). */
  static HttpRequest request(String base, Op op) {
    var b =
        HttpRequest.newBuilder(URI.create(base + op.path()))
            .timeout(Duration.ofSeconds(15))
            .method(
                op.method(),
                op.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(op.body()));
    if (op.body() != null) {
      b.header("Content-Type", "application/json");
    }
    if (op.token() != null) {
      b.header("Authorization", "Token " + op.token());
    }
    return b.build();
  }

  /** Stops the workers and totals what they saw. */
  Stats stop() {
    running.set(false);
    for (Thread t : threads) {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return stats(List.copyOf(outcomes));
  }

  List<Outcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  static Stats stats(List<Outcome> all) {
    int failed = 0;
    int failedIdem = 0;
    int writes = 0;
    int failedWrites = 0;
    long[] lat = new long[all.size()];
    for (int i = 0; i < all.size(); i++) {
      var o = all.get(i);
      lat[i] = o.nanos();
      if (!o.op().idempotent()) {
        writes++;
      }
      if (o.failed()) {
        failed++;
        if (o.op().idempotent()) {
          failedIdem++;
        } else {
          failedWrites++;
        }
      }
    }
    java.util.Arrays.sort(lat);
    double p99 = lat.length == 0 ? 0 : lat[(int) Math.min(lat.length - 1, lat.length * 0.99)] / 1e6;
    return new Stats(all.size(), failed, failedIdem, writes, failedWrites, p99);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static <T> T pick(List<T> from) {
    return from.get(ThreadLocalRandom.current().nextInt(from.size()));
  }

  @Override
  public void close() {
    running.set(false);
  }
}
