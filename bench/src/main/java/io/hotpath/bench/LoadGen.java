package io.hotpath.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The benchmark's load generator: an open model (requests sent at a fixed arrival rate, latency
 * measured from each request's scheduled time, so a stalled server is charged for the requests it
 * delayed: no coordinated omission) or a closed model (a fixed number of connections, each sending
 * its next request when the previous answered, like wrk). Latencies go into an HdrHistogram.
 *
 * <p>Why not wrk2: it is not packaged for Debian and only Maven Central, Debian and npm are
 * reachable here. Why not wrk alone: its Lua cannot keep the multi-step "browse" sessions or an
 * open-model schedule. wrk is still used for the single-endpoint ceilings (bench/proof.py).
 *
 * <p>Usage: {@code java -cp hotpath.jar io.hotpath.bench.LoadGen --url http://127.0.0.1:8081
 * --scenario mix --mode closed --connections 64 --duration 10 --warmup 3 --inputs dir --out
 * result.json} (open: {@code --mode open --rate 500}). Scenarios: mix (RealWorld, 90/10 read/write,
 * Zipf popularity), browse (page through lists, then each article with its comments and author),
 * article, articles, login, dashboard. {@code --zipf 0} makes every article equally popular (1.0,
 * the default, is Zipf).
 */
public final class LoadGen {
  private final HttpClient client;
  private final String host;
  private final int port;
  private final Inputs in;
  private final String scenario;
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
  private final Map<Integer, AtomicLong> statuses = new TreeMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean recording;
  private volatile boolean running = true;

  record Inputs(
      List<String> slugs,
      List<String> authors,
      List<String> tokens,
      List<String> tags,
      int users,
      Zipf slugZipf) {
    /** {@code zipf}: the popularity exponent of articles (1.0 Zipf, 0 uniform). */
    static Inputs load(Path dir, double zipf) throws Exception {
      var slugs =
          Files.readAllLines(dir.resolve("slugs.txt")).stream().filter(s -> !s.isBlank()).toList();
      var tokens =
          Files.readAllLines(dir.resolve("tokens.txt")).stream().filter(s -> !s.isBlank()).toList();
      var tags =
          Files.readAllLines(dir.resolve("tags.txt")).stream().filter(s -> !s.isBlank()).toList();
      int users = Integer.parseInt(Files.readString(dir.resolve("users.txt")).trim());
      // the author of each slug, line by line (older input folders have none: "user1" then)
      var authorsFile = dir.resolve("authors.txt");
      var authors =
          Files.exists(authorsFile)
              ? Files.readAllLines(authorsFile).stream().filter(s -> !s.isBlank()).toList()
              : java.util.Collections.nCopies(slugs.size(), "user1");
      return new Inputs(slugs, authors, tokens, tags, users, new Zipf(slugs.size(), zipf));
    }
  }

  /** Zipf(s) ranks 0..n-1 by inverse CDF over a precomputed table. */
  static final class Zipf {
    private final double[] cdf;

    Zipf(int n, double s) {
      cdf = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1 / Math.pow(i + 1, s);
        cdf[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cdf[i] /= sum;
      }
    }

    int next(SplittableRandom r) {
      int i = java.util.Arrays.binarySearch(cdf, r.nextDouble());
      return Math.min(cdf.length - 1, i < 0 ? -i - 1 : i);
    }
  }

  record Req(HttpMethod method, String path, String body, String token) {}

  LoadGen(Vertx vertx, URI url, int connections, Inputs in, String scenario) {
    this.host = url.getHost();
    this.port = url.getPort();
    this.in = in;
    this.scenario = scenario;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
  }

  /** The next request(s) of a session: one for most scenarios, a chain for browse. */
  List<Req> next(SplittableRandom r) {
    String token = r.nextBoolean() ? pick(in.tokens(), r) : null;
    int pickd = in.slugZipf().next(r);
    String slug = in.slugs().get(pickd);
    switch (scenario) {
      case "lists": // okami scenario 1: paging through the global and tag lists, anonymously
        if (r.nextBoolean()) {
          return List.of(
              new Req(
                  HttpMethod.GET,
                  "/api/articles?limit=20&offset=" + 20 * r.nextInt(10),
                  null,
                  null));
        }
        return List.of(
            new Req(
                HttpMethod.GET,
                "/api/articles?limit=20&tag="
                    + java.net.URLEncoder.encode(
                        pick(in.tags(), r), java.nio.charset.StandardCharsets.UTF_8)
                    + "&offset="
                    + 20 * r.nextInt(5),
                null,
                null));
      case "read": // okami scenario 2: an article, its comments and its author's profile
        String author = in.authors().get(Math.min(pickd, in.authors().size() - 1));
        return List.of(
            new Req(HttpMethod.GET, "/api/articles/" + slug, null, null),
            new Req(HttpMethod.GET, "/api/articles/" + slug + "/comments", null, null),
            new Req(HttpMethod.GET, "/api/profiles/" + author, null, null));
      case "article":
        return List.of(new Req(HttpMethod.GET, "/api/articles/" + slug, null, null));
      case "articles":
        return List.of(
            new Req(
                HttpMethod.GET, "/api/articles?limit=20&offset=" + 20 * r.nextInt(10), null, null));
      case "trivial":
        return List.of(new Req(HttpMethod.GET, "/health/live", null, null));
      case "login":
        int u = 1 + r.nextInt(Math.max(1, Math.min(in.users(), 1000)));
        return List.of(
            new Req(
                HttpMethod.POST,
                "/api/users/login",
                "{\"user\":{\"email\":\"user" + u + "@example.com\",\"password\":\"password\"}}",
                null));
      case "dashboard":
        return List.of(new Req(HttpMethod.GET, "/api/dashboard", null, pick(in.tokens(), r)));
      case "browse":
        var steps = new ArrayList<Req>();
        int page = r.nextInt(5);
        steps.add(
            new Req(HttpMethod.GET, "/api/articles?limit=10&offset=" + page * 10, null, token));
        for (int i = 0; i < 10; i++) {
          String s = in.slugs().get(Math.min(in.slugs().size() - 1, page * 10 + i));
          steps.add(new Req(HttpMethod.GET, "/api/articles/" + s, null, token));
          steps.add(new Req(HttpMethod.GET, "/api/articles/" + s + "/comments", null, token));
        }
        return steps;
      default: // mix
        return List.of(mix(r, token, slug));
    }
  }

  private Req mix(SplittableRandom r, String token, String slug) {
    int p = r.nextInt(100);
    String writer = pick(in.tokens(), r);
    if (p < 4) {
      return new Req(
          HttpMethod.POST,
          "/api/articles/" + slug + "/comments",
          "{\"comment\":{\"body\":\"benchmark comment " + r.nextInt() + "\"}}",
          writer);
    }
    if (p < 7) {
      return new Req(HttpMethod.POST, "/api/articles/" + slug + "/favorite", null, writer);
    }
    if (p < 9) {
      return new Req(HttpMethod.DELETE, "/api/articles/" + slug + "/favorite", null, writer);
    }
    if (p < 10) {
      return new Req(
          HttpMethod.POST,
          "/api/articles",
          "{\"article\":{\"title\":\"Bench "
              + Long.toHexString(r.nextLong())
              + "\",\"description\":\"d\",\"body\":\"A body of **markdown**.\",\"tagList\":[\""
              + pick(in.tags(), r)
              + "\"]}}",
          writer);
    }
    if (p < 35) {
      return new Req(
          HttpMethod.GET, "/api/articles?limit=20&offset=" + 20 * zipfSmall(r, 10), null, token);
    }
    if (p < 43) {
      return new Req(
          HttpMethod.GET, "/api/articles?limit=20&tag=" + pick(in.tags(), r), null, token);
    }
    if (p < 50) {
      return new Req(HttpMethod.GET, "/api/articles/feed?limit=20", null, writer);
    }
    if (p < 75) {
      return new Req(HttpMethod.GET, "/api/articles/" + slug, null, token);
    }
    if (p < 85) {
      return new Req(HttpMethod.GET, "/api/articles/" + slug + "/comments", null, token);
    }
    if (p < 95) {
      int u = 1 + zipfSmall(r, Math.min(in.users(), 10_000));
      return new Req(HttpMethod.GET, "/api/profiles/user" + u, null, token);
    }
    return new Req(HttpMethod.GET, "/api/tags", null, null);
  }

  private static int zipfSmall(SplittableRandom r, int n) {
    // rank k with probability ~ 1/(k+1): floor(n^u) - 1 is a cheap log-uniform approximation
    return Math.min(n - 1, (int) Math.floor(Math.pow(n, r.nextDouble())) - 1);
  }

  private static <T> T pick(List<T> from, SplittableRandom r) {
    return from.get(r.nextInt(from.size()));
  }

  private Future<Void> send(Req q, long scheduledNanos) {
    var options =
        new RequestOptions()
            .setHost(host)
            .setPort(port)
            .setMethod(q.method())
            .setURI(q.path())
            .putHeader("Accept-Encoding", "br, gzip")
            .setTimeout(30_000);
    if (q.token() != null) {
      options.putHeader("Authorization", "Token " + q.token());
    }
    if (q.body() != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return client
        .request(options)
        .compose(req -> q.body() == null ? req.send() : req.send(Buffer.buffer(q.body())))
        .compose(
            resp ->
                resp.body()
                    .map(
                        b -> {
                          record(resp.statusCode(), b.length(), scheduledNanos);
                          return (Void) null;
                        }))
        .recover(
            t -> {
              record(0, 0, scheduledNanos);
              return Future.succeededFuture();
            });
  }

  private void record(int status, int size, long scheduledNanos) {
    if (!recording) {
      return;
    }
    long micros = (System.nanoTime() - scheduledNanos) / 1000;
    synchronized (histogram) {
      histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
      statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }
    bytes.addAndGet(size);
    if (status == 0 || status >= 500) {
      errors.incrementAndGet();
    }
  }

  /** Closed model: each connection runs sessions back to back. */
  void closed(int connections, long seed) {
    for (int c = 0; c < connections; c++) {
      var r = new SplittableRandom(seed + c);
      loop(r);
    }
  }

  private void loop(SplittableRandom r) {
    if (!running) {
      return;
    }
    var steps = next(r);
    chain(steps, 0).onComplete(ar -> loop(r));
  }

  private Future<Void> chain(List<Req> steps, int i) {
    if (i == steps.size() || !running) {
      return Future.succeededFuture();
    }
    return send(steps.get(i), System.nanoTime()).compose(v -> chain(steps, i + 1));
  }

  /** Open model: one session every 1/rate s, whatever the server is doing. */
  void open(Vertx vertx, double rate, long seed) {
    var r = new SplittableRandom(seed);
    long start = System.nanoTime();
    long interval = (long) (1e9 / rate);
    var sent = new AtomicLong();
    vertx.setPeriodic(
        1,
        id -> {
          if (!running) {
            vertx.cancelTimer(id);
            return;
          }
          // sessions whose scheduled time has come: index 0 is due at start, not one interval later
          long due = (System.nanoTime() - start) / interval + 1;
          while (sent.get() < due) {
            long scheduled = start + sent.getAndIncrement() * interval;
            var steps = next(r);
            // a session's first request is charged from its scheduled time; later steps from
            // when they could be sent (they depend on the previous answer)
            send(steps.get(0), scheduled).compose(v -> chain(steps, 1));
          }
        });
  }

  JsonObject result(double seconds, String mode, int connections, double rate) {
    synchronized (histogram) {
      long n = histogram.getTotalCount();
      var codes = new JsonObject();
      statuses.forEach((k, v) -> codes.put(Integer.toString(k), v.get()));
      return new JsonObject()
          .put("scenario", scenario)
          .put("mode", mode)
          .put("connections", connections)
          .put("rate", rate)
          .put("seconds", seconds)
          .put("requests", n)
          .put("rps", n / seconds)
          .put("errors", errors.get())
          .put("statuses", codes)
          .put("avg_ms", histogram.getMean() / 1000)
          .put("p50_ms", histogram.getValueAtPercentile(50) / 1000.0)
          .put("p95_ms", histogram.getValueAtPercentile(95) / 1000.0)
          .put("p99_ms", histogram.getValueAtPercentile(99) / 1000.0)
          .put("max_ms", histogram.getMaxValue() / 1000.0)
          .put("bytes_per_request", n == 0 ? 0 : (double) bytes.get() / n);
    }
  }

  public static void main(String[] args) throws Exception {
    var a = new HashMap<String, String>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    URI url = URI.create(a.getOrDefault("url", "http://127.0.0.1:8080"));
    String mode = a.getOrDefault("mode", "closed");
    int connections = Integer.parseInt(a.getOrDefault("connections", "64"));
    double rate = Double.parseDouble(a.getOrDefault("rate", "100"));
    double duration = Double.parseDouble(a.getOrDefault("duration", "10"));
    double warmup = Double.parseDouble(a.getOrDefault("warmup", "3"));
    var inputs =
        Inputs.load(
            Path.of(a.getOrDefault("inputs", ".")),
            Double.parseDouble(a.getOrDefault("zipf", "1.0")));
    var vertx = Vertx.vertx();
    var gen = new LoadGen(vertx, url, connections, inputs, a.getOrDefault("scenario", "mix"));
    long seed = Long.parseLong(a.getOrDefault("seed", "42"));
    if (mode.equals("open")) {
      gen.open(vertx, rate, seed);
    } else {
      gen.closed(connections, seed);
    }
    Thread.sleep((long) (warmup * 1000));
    gen.recording = true;
    long t0 = System.nanoTime();
    Thread.sleep((long) (duration * 1000));
    gen.recording = false;
    double seconds = (System.nanoTime() - t0) / 1e9;
    gen.running = false;
    var result = gen.result(seconds, mode, connections, mode.equals("open") ? rate : 0);
    String out = a.get("out");
    if (out != null) {
      Files.writeString(Path.of(out), result.encodePrettily());
    }
    System.out.println(result.encode());
    var done = new CountDownLatch(1);
    vertx.close().onComplete(ar -> done.countDown());
    done.await(5, TimeUnit.SECONDS);
    System.exit(0);
  }
}
