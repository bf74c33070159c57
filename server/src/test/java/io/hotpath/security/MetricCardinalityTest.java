package io.hotpath.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.TestServer;
import java.util.ArrayList;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Finding 2: nothing a client puts in a request line or header may become a new metric series. What
 * random requests add is small and independent of how many there are (the router's own routes, the
 * allow-listed methods and the status codes the server emits), and /metrics stays under {@link
 * #MAX_SERIES}, the bound docs/security.md derives.
 */
class MetricCardinalityTest {
  /**
   * The stated bound on /metrics series for one instance (docs/security.md): fixed meters, plus a
   * latency histogram per route and method of the router, plus counters per route, method and the
   * status codes the server emits.
   */
  static final int MAX_SERIES = 6_000;

  static final TestServer server = TestServer.get();

  static int series() {
    var scrape = server.get("/metrics", null);
    assertThat(scrape.status()).as("the scrape itself").isEqualTo(200);
    assertThat(scrape.body()).contains("jvm_memory_used_bytes");
    int n = 0;
    for (String line : scrape.body().split("\n")) {
      if (!line.isEmpty() && line.charAt(0) != '#') {
        n++;
      }
    }
    return n;
  }

  static String token(Random r, int length) {
    var sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append((char) ('A' + r.nextInt(26)));
    }
    return sb.toString();
  }

  @Test
  void random_methods_do_not_grow_metrics() {
    for (String m : new String[] {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
      try (var raw = new RawHttp(server.port())) {
        raw.send(m + " /api/tags HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n").read();
      }
    }
    int before = series();
    var r = new Random(11);
    try (var raw = new RawHttp(server.port())) {
      for (int i = 0; i < 3_000; i++) {
        var resp =
            raw.send("M" + token(r, 10) + " /api/tags HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
        assertThat(resp.status()).isLessThan(500);
      }
    }
    int after = series();
    System.out.printf("METRICS: random methods: %d series before, %d after 3,000%n", before, after);
    assertThat(after - before).as("series added by 3,000 made-up methods").isLessThan(300);
  }

  @Test
  void one_hundred_thousand_requests_with_random_methods_paths_and_headers_keep_metrics_bounded()
      throws Exception {
    int before = series();
    var sent = new AtomicInteger();
    var threads = new ArrayList<Thread>();
    for (int t = 0; t < 8; t++) {
      long seed = t;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    var r = new Random(seed);
                    var raw = new RawHttp(server.port());
                    try {
                      for (int i = 0; i < 12_500; i++) {
                        String method =
                            switch (r.nextInt(4)) {
                              case 0 -> "GET";
                              case 1 -> "X" + token(r, 6);
                              case 2 -> token(r, 3);
                              default -> "DELETE";
                            };
                        String path =
                            switch (r.nextInt(4)) {
                              case 0 -> "/api/" + token(r, 8).toLowerCase();
                              case 1 -> "/" + token(r, 5) + "/" + r.nextInt(1_000_000);
                              case 2 -> "/api/articles/" + token(r, 12).toLowerCase();
                              default -> "/api/profiles/" + token(r, 7) + "/follow";
                            };
                        var resp =
                            raw.send(
                                    method
                                        + " "
                                        + path
                                        + " HTTP/1.1\r\nHost: h"
                                        + r.nextInt(100_000)
                                        + "\r\nX-Request-Id: "
                                        + token(r, 12)
                                        + "\r\nAccept-Encoding: "
                                        + token(r, 4).toLowerCase()
                                        + "\r\nUser-Agent: "
                                        + token(r, 20)
                                        + "\r\nX-Forwarded-For: 10."
                                        + r.nextInt(256)
                                        + "."
                                        + r.nextInt(256)
                                        + ".1\r\n\r\n")
                                .read();
                        if (resp.status() >= 500) {
                          throw new AssertionError(method + " " + path + " -> " + resp);
                        }
                        if ("close".equalsIgnoreCase(resp.header("connection"))) {
                          raw.close();
                          raw = new RawHttp(server.port());
                        }
                        sent.incrementAndGet();
                      }
                    } finally {
                      raw.close();
                    }
                  }));
    }
    for (var t : threads) {
      t.join();
    }
    int after = series();
    System.out.printf(
        "METRICS: %d random requests: %d series before, %d after%n", sent.get(), before, after);
    assertThat(sent.get()).isEqualTo(100_000);
    assertThat(after - before).as("series added by 100,000 random requests").isLessThan(300);
    assertThat(after).as("series after 100,000 random requests").isLessThan(MAX_SERIES);
  }
}
