package io.hotpath;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hotpath.config.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One real Hotpath per test JVM, started through the same {@link Hotpath#start} as main, on a real
 * PostgreSQL: DATABASE_URL when set, else the embedded one in a fresh temporary folder. Tests keep
 * apart by using unique names ({@link #uid()}) rather than by wiping tables.
 */
public final class TestServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong SEQ = new AtomicLong();
  private static volatile TestServer instance;

  /**
   * The data folders {@link #config} made (an embedded PostgreSQL each, about 40 MB): deleted when
   * the test JVM exits, after the shared server stops. Left behind, a few hundred CI runs filled
   * the disk and the next run's initdb failed.
   */
  private static final java.util.Queue<Path> DATA_DIRS =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  var shared = instance;
                  if (shared != null) {
                    shared.app.close();
                  }
                  DATA_DIRS.forEach(TestServer::deleteQuietly);
                },
                "test-data-cleanup"));
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // a server a test left running still holds it: nothing else to do at exit
                }
              });
    } catch (IOException | java.io.UncheckedIOException e) {
      // already gone, or unreadable: nothing else to do at exit
    }
  }

  public final Hotpath app;
  public final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  public final String base;

  /** A client for {@code app} (tests that start their own server). */
  public TestServer(Hotpath app) {
    this.app = app;
    this.base = "http://127.0.0.1:" + app.port();
  }

  /** The shared server, started on first use. */
  public static TestServer get() {
    if (instance == null) {
      synchronized (TestServer.class) {
        if (instance == null) {
          // stopped at exit by the cleanup hook above, before its data folder is deleted
          instance = new TestServer(Hotpath.start(config(Map.of())));
        }
      }
    }
    return instance;
  }

  /** Test configuration: cheap bcrypt, free port, fresh data folder; overrides win. */
  public static Config config(Map<String, String> overrides) {
    try {
      var env = new HashMap<>(System.getenv());
      env.put("PORT", "0");
      env.put("BCRYPT_COST", "4");
      env.put("RATE_LIMIT", "off");
      env.put("SHUTDOWN_DRAIN_MS", "0");
      // every versioned answer is rebuilt and compared with what its fingerprint kept: a
      // fingerprint that misses an input fails the test that changes it (500)
      env.put("VERIFY_CACHED_RESPONSES", "on");
      var dir = Files.createTempDirectory("hotpath-test");
      DATA_DIRS.add(dir);
      env.put("DATA_DIR", dir.toString());
      env.putAll(overrides);
      return Config.fromEnv(env);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  /** A unique suffix for names in one test. */
  public static String uid() {
    return Long.toString(System.nanoTime() % 1_000_000_000L, 36) + SEQ.incrementAndGet();
  }

  public Response get(String path, String token) {
    return send("GET", path, null, token, Map.of());
  }

  public Response post(String path, String body, String token) {
    return send("POST", path, body, token, Map.of());
  }

  public Response put(String path, String body, String token) {
    return send("PUT", path, body, token, Map.of());
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, null, token, Map.of());
  }

  public Response send(
      String method, String path, String body, String token, Map<String, String> headers) {
    var b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Token " + token);
    }
    headers.forEach(b::header);
    try {
      var r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException | InterruptedException e) {
      throw new RuntimeException(method + " " + path + " failed", e);
    }
  }

  /** Registers a user and returns its token. */
  public String register(String username) {
    var r =
        post(
            "/api/users",
            "{\"user\":{\"username\":\""
                + username
                + "\",\"email\":\""
                + username
                + "@example.com\",\"password\":\"password123\"}}",
            null);
    if (r.status() != 201) {
      throw new AssertionError("register " + username + ": " + r);
    }
    return r.json().at("/user/token").asText();
  }

  /** Signs in and returns a fresh token (a new session). */
  public String login(String email, String password) {
    var r =
        post(
            "/api/users/login",
            "{\"user\":{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}",
            null);
    if (r.status() != 200) {
      throw new AssertionError("login " + email + ": " + r);
    }
    return r.json().at("/user/token").asText();
  }

  /** Creates an article and returns its slug. */
  public String article(String token, String title, String... tags) {
    var tagJson = new StringBuilder("[");
    for (int i = 0; i < tags.length; i++) {
      tagJson.append(i == 0 ? "" : ",").append('"').append(tags[i]).append('"');
    }
    tagJson.append(']');
    var r =
        post(
            "/api/articles",
            "{\"article\":{\"title\":\""
                + title
                + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":"
                + tagJson
                + "}}",
            token);
    if (r.status() != 201) {
      throw new AssertionError("create article: " + r);
    }
    return r.json().at("/article/slug").asText();
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** The sum of the /metrics samples whose line starts with {@code prefix} (name and labels). */
  public double metric(String prefix) {
    double sum = 0;
    for (String line : get("/metrics", null).body().split("\n")) {
      if (line.startsWith(prefix)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** Statements the server has sent to PostgreSQL so far. */
  public long statements() {
    return app.db().statementsExecuted();
  }

  public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  /** A temporary folder deleted when the test JVM exits. */
  public static Path tempDir(String prefix) throws IOException {
    var dir = Files.createTempDirectory(prefix);
    DATA_DIRS.add(dir);
    return dir;
  }
}
