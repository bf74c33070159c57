package io.hotpath.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import one.convert.Arguments;
import one.convert.JfrToFlame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Profiles on demand, taken of the running server while it serves requests. */
class ProfileTest {
  static final String ADMIN = "admin-token-for-profiles";
  static Hotpath app;
  static TestServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    app = Hotpath.start(TestServer.config(Map.of("ADMIN_TOKEN", ADMIN)));
    server = new TestServer(app);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void a_cpu_profile_under_load_shows_hotpaths_own_frames() throws Exception {
    String token = server.register("prof_" + TestServer.uid());
    for (int i = 0; i < 5; i++) {
      server.article(token, "Profiled " + TestServer.uid(), "profiling");
    }
    var loading = new AtomicBoolean(true);
    var load =
        CompletableFuture.runAsync(
            () -> {
              while (loading.get()) {
                server.get("/api/articles?limit=20&offset=" + (System.nanoTime() % 3), token);
                server.get("/api/tags", null);
              }
            });
    try {
      var jfr = profile("event=cpu&seconds=3&format=jfr");
      assertThat(jfr.statusCode()).as(new String(jfr.body())).isEqualTo(200);
      assertThat(jfr.headers().firstValue("X-Profile-Engine")).isPresent();
      Path dir = io.hotpath.TestServer.tempDir("profile-test");
      Path file = dir.resolve("p.jfr");
      Files.write(file, jfr.body());
      var args = new Arguments();
      args.cpu = true;
      args.output = "collapsed";
      Path stacks = dir.resolve("p.txt");
      JfrToFlame.convert(file.toString(), stacks.toString(), args);
      assertThat(Files.readString(stacks)).contains("io/hotpath/");

      var html = profile("event=cpu&seconds=1");
      assertThat(html.statusCode()).isEqualTo(200);
      assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(new String(html.body())).contains("<canvas");
    } finally {
      loading.set(false);
      load.join();
    }
  }

  @Test
  void a_second_profile_while_one_runs_is_refused_with_the_time_left() {
    // on the profiler itself: over HTTP, which of two concurrent requests starts first is a race
    var vertx = io.vertx.core.Vertx.vertx();
    try {
      var profiler = new Profiler(vertx, vertx.createSharedWorkerExecutor("profile-test", 2));
      var first = profiler.record(Profiler.Event.ALLOC, java.time.Duration.ofSeconds(2));
      var second = profiler.record(Profiler.Event.CPU, java.time.Duration.ofSeconds(1));
      assertThat(second.failed()).as("refused at once, not queued").isTrue();
      assertThat(second.cause())
          .isInstanceOfSatisfying(
              io.hotpath.error.ApiException.TooManyRequests.class,
              e -> assertThat(e.retryAfterSeconds()).isBetween(1L, 40L));
      var done = first.await();
      assertThat(done.jfr()).isNotEmpty();
      assertThat(done.html()).isNotEmpty();
      var after = profiler.record(Profiler.Event.CPU, java.time.Duration.ofSeconds(1)).await();
      assertThat(after.html()).as("free again once the first finished").isNotEmpty();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void profiles_need_the_admin_token_and_bounded_arguments() throws Exception {
    var anonymous =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + "/api/admin/profile")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(profile("seconds=0").statusCode()).isEqualTo(422);
    assertThat(profile("seconds=100000").statusCode()).isEqualTo(422);
    assertThat(profile("event=nonsense").statusCode()).isEqualTo(422);
    assertThat(profile("format=svg").statusCode()).isEqualTo(422);
  }

  private static HttpResponse<byte[]> profile(String query) throws Exception {
    return HTTP.send(request(query), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest request(String query) {
    return HttpRequest.newBuilder(URI.create(base() + "/api/admin/profile?" + query))
        .header("X-Admin-Token", ADMIN)
        .build();
  }

  private static String base() {
    return "http://127.0.0.1:" + server.port();
  }
}
