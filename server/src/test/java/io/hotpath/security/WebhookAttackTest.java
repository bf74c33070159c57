package io.hotpath.security;

import static io.hotpath.security.ScriptedResolver.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Findings 3, 5, 12 and 13: webhooks may only ever reach public addresses (checked where the
 * connection is made, not only at subscription), say nothing about what a name resolves to or which
 * ports answer, and cannot be multiplied without limit.
 */
class WebhookAttackTest {
  static HttpServer receiver;
  static final List<String> received = new CopyOnWriteArrayList<>();
  static Hotpath app;
  static TestServer s;

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        ex -> {
          received.add(ex.getRequestHeaders().getFirst("Host") + " " + ex.getRequestURI());
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    app =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "JOBS_POLL_MS", "50",
                    "JOBS_BACKOFF_MS", "50",
                    "JOBS_MAX_ATTEMPTS", "1",
                    "WEBHOOK_TIMEOUT_MS", "1000")));
    s = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    receiver.stop(0);
  }

  static String subscribe(TestServer server, String token, String url) {
    var r = server.post("/api/webhooks", "{\"webhook\":{\"url\":\"" + url + "\"}}", token);
    return r.status() + " " + r.body();
  }

  /** Makes {@code fan} follow {@code owner} and waits until every delivery job has finished. */
  static void followAndSettle(Hotpath app, TestServer server, String owner, String fanToken) {
    assertThat(server.post("/api/profiles/" + owner + "/follow", null, fanToken).status())
        .isEqualTo(200);
    assertThat(
            Probe.within(
                15_000,
                () ->
                    Probe.scalar(
                            app,
                            "SELECT count(*) FROM jobs WHERE kind IN ('notify', 'webhook.deliver')"
                                + " AND status IN ('queued', 'running')")
                        == 0))
        .as("notification and delivery jobs finished")
        .isTrue();
  }

  @Test
  void webhook_to_a_name_rebound_to_loopback_is_refused_at_delivery() {
    String u = TestServer.uid();
    String owner = "rebind_" + u;
    String token = s.register(owner);
    String name = "rebind-" + u + ".hotpath.test";
    int port = receiver.getAddress().getPort();
    // public at subscription, public for any check made at delivery, loopback for every lookup
    // after
    ScriptedResolver.script(
        name, List.of(ip("93.184.215.14")), List.of(ip("93.184.215.14")), List.of(ip("127.0.0.1")));
    assertThat(subscribe(s, token, "http://" + name + ":" + port + "/hook")).startsWith("201");
    followAndSettle(app, s, owner, s.register("rebindfan_" + u));
    assertThat(received)
        .as("requests that reached the loopback receiver")
        .noneMatch(r -> r.contains(name));
  }

  @Test
  void delivery_connects_to_the_address_it_checked_and_keeps_the_host_header() throws Exception {
    try (var open =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "WEBHOOKS_ALLOW_PRIVATE",
                    "true",
                    "JOBS_POLL_MS",
                    "50",
                    "JOBS_MAX_ATTEMPTS",
                    "1")))) {
      var server = new TestServer(open);
      String u = TestServer.uid();
      String owner = "pinned_" + u;
      String token = server.register(owner);
      String name = "pinned-" + u + ".hotpath.test";
      int port = receiver.getAddress().getPort();
      ScriptedResolver.script(name, List.of(ip("127.0.0.1")));
      assertThat(subscribe(server, token, "http://" + name + ":" + port + "/pinned"))
          .startsWith("201");
      followAndSettle(open, server, owner, server.register("pinnedfan_" + u));
      assertThat(received).contains(name + ":" + port + " /pinned");
    }
  }

  @Test
  void special_purpose_and_own_addresses_are_refused_as_webhook_targets() throws Exception {
    String token = s.register("special_" + TestServer.uid());
    var urls =
        new ArrayList<>(
            List.of(
                "http://100.100.100.200/latest/meta-data",
                "http://100.64.0.1/x",
                "http://198.18.0.1/x",
                "http://198.19.255.254/x",
                "http://192.0.0.1/x",
                "http://0.0.0.0/x",
                "http://0.1.2.3/x",
                "http://255.255.255.255/x",
                "http://192.0.2.10/x",
                "http://240.0.0.1/x",
                "http://[::127.0.0.1]/x",
                "http://[::ffff:127.0.0.1]/x",
                "http://[64:ff9b::7f00:1]/x",
                "http://[64:ff9b:1::a00:1]/x",
                "http://[2002:7f00:1::]/x",
                "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x",
                "http://[fe80::1]/x",
                "http://[fd00::1]/x",
                "http://[::]/x",
                "http://[2001:db8::1]/x"));
    for (var nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          String host = a.getHostAddress().replaceAll("%.*", "");
          urls.add("http://" + (host.contains(":") ? "[" + host + "]" : host) + "/own");
        }
      }
    }
    var accepted = new ArrayList<String>();
    for (String url : urls) {
      String r = subscribe(s, token, url);
      if (!r.startsWith("422")) {
        accepted.add(url + " -> " + r);
      }
    }
    assertThat(accepted).as("targets that were accepted").isEmpty();
  }

  @Test
  void subscription_errors_do_not_reveal_what_a_name_resolves_to() {
    String token = s.register("oracle_" + TestServer.uid());
    String u = TestServer.uid();
    ScriptedResolver.script("private-" + u + ".hotpath.test", List.of(ip("10.1.2.3")));
    String privateName = subscribe(s, token, "http://private-" + u + ".hotpath.test/x");
    String unresolvable = subscribe(s, token, "http://nothing-" + u + ".invalid/x");
    String literal = subscribe(s, token, "http://127.0.0.1:5432/x");
    assertThat(privateName).startsWith("422").doesNotContain("10.1.2.3");
    assertThat(literal).startsWith("422").doesNotContain("5432");
    assertThat(unresolvable).startsWith("422").doesNotContainIgnoringCase("not known");
    // one answer for "private" and "does not resolve": no oracle either way
    assertThat(privateName).isEqualTo(unresolvable);
  }

  @Test
  void delivery_errors_do_not_reveal_which_ports_are_open() throws Exception {
    try (var open =
            Hotpath.start(
                TestServer.config(
                    Map.of(
                        "WEBHOOKS_ALLOW_PRIVATE", "true",
                        "JOBS_POLL_MS", "50",
                        "JOBS_MAX_ATTEMPTS", "1",
                        "WEBHOOK_TIMEOUT_MS", "1000")));
        var silent = new ServerSocket(0)) {
      // an open port that accepts and hangs up without a word, and a closed one
      var acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!silent.isClosed()) {
                      try {
                        silent.accept().close();
                      } catch (java.io.IOException e) {
                        return;
                      }
                    }
                  });
      int closed;
      try (var probe = new ServerSocket(0)) {
        closed = probe.getLocalPort();
      }
      var server = new TestServer(open);
      String u = TestServer.uid();
      String owner = "ports_" + u;
      String token = server.register(owner);
      assertThat(subscribe(server, token, "http://127.0.0.1:" + closed + "/x")).startsWith("201");
      assertThat(subscribe(server, token, "http://127.0.0.1:" + silent.getLocalPort() + "/x"))
          .startsWith("201");
      followAndSettle(open, server, owner, server.register("portsfan_" + u));
      var errors = new ArrayList<String>();
      server
          .get("/api/webhooks", token)
          .json()
          .get("webhooks")
          .forEach(w -> errors.add(w.get("lastError").asText()));
      assertThat(errors).hasSize(2);
      assertThat(errors.get(0)).as("closed port vs silent port").isEqualTo(errors.get(1));
      assertThat(errors.get(0)).doesNotContain("127.0.0.1").doesNotContainIgnoringCase("refused");
      silent.close();
      acceptor.join();
    }
  }

  @Test
  void webhook_targets_do_not_become_metric_series() throws Exception {
    try (var open =
        Hotpath.start(
            TestServer.config(
                Map.of(
                    "WEBHOOKS_ALLOW_PRIVATE", "true",
                    "JOBS_POLL_MS", "50",
                    "JOBS_MAX_ATTEMPTS", "1",
                    "WEBHOOK_TIMEOUT_MS", "500")))) {
      var server = new TestServer(open);
      String u = TestServer.uid();
      String owner = "metric_" + u;
      String token = server.register(owner);
      var ports = new ArrayList<Integer>();
      for (int i = 0; i < 10; i++) {
        try (var probe = new ServerSocket(0)) {
          ports.add(probe.getLocalPort()); // closed again: every delivery fails fast
        }
      }
      for (int p : ports) {
        assertThat(subscribe(server, token, "http://127.0.0.1:" + p + "/x")).startsWith("201");
      }
      followAndSettle(open, server, owner, server.register("metricfan_" + u));
      String metrics = server.get("/metrics", null).body();
      assertThat(ports).noneMatch(p -> metrics.contains(":" + p));
      assertThat(metrics).contains("pool_name=\"webhooks\"");
    }
  }

  @Test
  void webhooks_per_user_are_capped() {
    String token = s.register("many_" + TestServer.uid());
    String name = "public-" + TestServer.uid() + ".hotpath.test";
    ScriptedResolver.script(name, List.of(ip("93.184.215.14")));
    int created = 0;
    String last = null;
    for (int i = 0; i < 30; i++) {
      last = subscribe(s, token, "http://" + name + "/hook/" + i);
      if (last.startsWith("201")) {
        created++;
      }
    }
    assertThat(created).as("subscriptions accepted for one user").isEqualTo(20);
    assertThat(last).startsWith("422").contains("webhook");
    assertThat(s.get("/api/webhooks", token).json().get("webhooks")).hasSize(20);
  }

  @Test
  void toggling_a_favorite_thirty_times_notifies_the_author_once() {
    String u = TestServer.uid();
    String author = "toggle_" + u;
    String authorToken = s.register(author);
    String slug = s.article(authorToken, "Toggled " + u);
    String fan = s.register("togglefan_" + u);
    for (int i = 0; i < 30; i++) {
      s.post("/api/articles/" + slug + "/favorite", null, fan);
      s.delete("/api/articles/" + slug + "/favorite", fan);
    }
    assertThat(
            Probe.within(
                15_000,
                () ->
                    Probe.scalar(
                            app,
                            "SELECT count(*) FROM jobs WHERE kind = 'notify' AND status IN ('queued', 'running')")
                        == 0))
        .isTrue();
    assertThat(s.get("/api/notifications", authorToken).json().get("notifications")).hasSize(1);
  }
}
