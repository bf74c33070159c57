package io.hotpath.http;

import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;

/**
 * The encoded bytes of versioned answers, kept per fingerprint and content coding: a body is
 * serialised and compressed cheaply when first built, compressed once more, well, when it is served
 * a second time, then every request for that version is served the same bytes (no view building, no
 * JSON, no compression). Bounded by bytes (RESPONSE_CACHE_MB, Caffeine's size-aware W-TinyLFU, so a
 * flood of one-off variants does not evict the hot ones). Answers that are not versioned keep
 * Netty's per-response compression.
 *
 * <p>Why not Netty's compressor for these: it compresses every response again, and on the realistic
 * mix that was most of the server's CPU (docs/caching.md, "Compression").
 */
public final class Representations {
  /** The content codings served, best first. */
  enum Coding {
    BR("br"),
    GZIP("gzip"),
    IDENTITY(null);

    final String token;

    Coding(String token) {
      this.token = token;
    }
  }

  private record Key(long high, long low, Coding coding) {}

  /**
   * Bytes as sent and the coding they are in (identity when too small to compress); {@code fast}:
   * compressed at the cheap first-build setting, to be compressed better if it is served {@link
   * #BETTER_AT_USE} times; {@code uses}: how many times these bytes were served.
   */
  private record Encoded(byte[] bytes, Coding coding, boolean fast, AtomicInteger uses) {
    Encoded(byte[] bytes, Coding coding, boolean fast) {
      this(bytes, coding, fast, new AtomicInteger(1));
    }
  }

  /**
   * The use on which fast bytes are compressed better. On the realistic mix most kept answers that
   * are served again are short-lived versions served a few times (a hot article's comment page, 28
   * KB, changes with every comment on it; a signed-in reader's page with the reader's next
   * favorite). Recompressing each on its second use (decompress, then brotli 5: about half a
   * millisecond for that comment page) was two thirds of the compression CPU. Measured on the wrk
   * mix (two servers at once, 15 s runs): on the 2nd use 0.035-0.038 ms of compression per request
   * and 1,265-1,278 bytes per response; on the 4th 0.025-0.029 ms, 1,303-1,311 bytes; on the 8th
   * 0.017-0.020 ms, 1,342 bytes; never, 0.010-0.013 ms, 1,427-1,431 bytes (5,606 uncompressed). The
   * answers served many times, most of the bytes sent, still get the better bytes.
   */
  public static final int BETTER_AT_USE = 8;

  private static final int ENTRY_OVERHEAD = 96;
  private static final CharSequence CONTENT_TYPE =
      HttpHeaders.createOptimized("application/json; charset=utf-8");

  private final Cache<Key, Encoded> cache;
  private final boolean compression;
  private final int minBytes;
  private final boolean verify;
  private final Counter hits;
  private final Counter misses;
  private final Counter notModified;
  private final LongAdder compressNanos = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  /**
   * First build of an answer: most answers built are never served again (a signed-in reader's list
   * page carries the reader's flags, so its fingerprint is the reader's), so they are compressed at
   * the cheapest settings: brotli 1, gzip 1 (on the mix's 4-7 KB list pages about a third of the
   * CPU of brotli 4 for 10-16% more bytes).
   */
  private final Encoder.Parameters brotliFast =
      new Encoder.Parameters().setQuality(1).setWindow(16);

  /**
   * An answer served {@link #BETTER_AT_USE} times is worth compressing well, once: brotli 5, gzip 6
   * (the popular answers, which are most of the bytes sent).
   */
  private final Encoder.Parameters brotliBest =
      new Encoder.Parameters().setQuality(5).setWindow(16);

  private static final int GZIP_FAST = 1;
  private static final int GZIP_BEST = 6;
  private final Counter recompressed;

  /**
   * {@code maxBytes} of encoded bodies (0: nothing kept, every answer built); compression above
   * {@code minBytes} when {@code compression}; {@code verify}: rebuild every answer and fail on a
   * fingerprint that does not match its body (tests).
   */
  public Representations(
      long maxBytes, boolean compression, int minBytes, boolean verify, MeterRegistry registry) {
    this.compression = compression && com.aayushatharva.brotli4j.Brotli4jLoader.isAvailable();
    this.minBytes = minBytes;
    this.verify = verify;
    this.cache =
        Caffeine.newBuilder()
            .executor(io.hotpath.cache.Caches.SAME_THREAD)
            .maximumWeight(maxBytes)
            .weigher((Key k, Encoded e) -> e.bytes.length + ENTRY_OVERHEAD)
            .build();
    this.hits = counter(registry, "hit");
    this.misses = counter(registry, "miss");
    this.notModified = counter(registry, "not_modified");
    this.recompressed = counter(registry, "recompressed");
    FunctionCounter.builder("hotpath.http.compression.seconds", compressNanos, n -> n.sum() / 1e9)
        .description(
            "time spent compressing versioned answers: fast when built, again better on use "
                + BETTER_AT_USE
                + " (bytes in and out count both)")
        .register(registry);
    FunctionCounter.builder("hotpath.http.compression.bytes.in", bytesIn, LongAdder::sum)
        .register(registry);
    FunctionCounter.builder("hotpath.http.compression.bytes.out", bytesOut, LongAdder::sum)
        .register(registry);
    Gauge.builder("hotpath.http.representations.bytes", cache, c -> weight(c))
        .description("encoded answers kept in memory")
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("hotpath.http.representations")
        .tag("result", result)
        .description(
            "versioned GETs: served from kept bytes, built, or answered 304; recompressed: kept"
                + " bytes compressed again at the better setting on use "
                + BETTER_AT_USE)
        .register(registry);
  }

  private static double weight(Cache<Key, Encoded> c) {
    return c.policy().eviction().map(e -> (double) e.weightedSize().orElse(0)).orElse(0.0);
  }

  /** Answers {@code v} on {@code ctx}: 304, kept bytes, or built, encoded and kept. */
  void send(RoutingContext ctx, Answer.Versioned v) {
    var res = ctx.response();
    Fingerprint fp = v.fingerprint();
    String etag = fp.etag();
    boolean cacheable = HttpCaching.headers(ctx);
    if (cacheable) {
      res.putHeader(HttpHeaders.ETAG, etag);
    }
    Coding coding =
        compression
            ? negotiate(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))
            : Coding.IDENTITY;
    var key = new Key(fp.high(), fp.low(), coding);
    if (verify) {
      verified(v, fp)
          .onSuccess(fresh -> respond(ctx, v, key, cacheable, etag))
          .onFailure(ctx::fail);
    } else {
      respond(ctx, v, key, cacheable, etag);
    }
  }

  private void respond(
      RoutingContext ctx, Answer.Versioned v, Key key, boolean cacheable, String etag) {
    var res = ctx.response();
    if (cacheable
        && HttpCaching.matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      notModified.increment();
      res.setStatusCode(304).end();
      return;
    }
    Encoded kept = cache.getIfPresent(key);
    if (kept != null) {
      hits.increment();
      write(ctx, kept);
      // after the answer is written: this request does not wait for the better bytes
      if (kept.fast() && kept.uses().incrementAndGet() == BETTER_AT_USE) {
        better(key, kept);
      }
      return;
    }
    misses.increment();
    v.body()
        .get()
        .onSuccess(
            body -> {
              Encoded e = encode(serialize(body), key.coding(), true);
              cache.put(key, e);
              write(ctx, e);
            })
        .onFailure(ctx::fail);
  }

  /** Verification mode: the fresh body must equal what was kept for the same fingerprint. */
  private Future<byte[]> verified(Answer.Versioned v, Fingerprint fp) {
    return v.body()
        .get()
        .map(
            body -> {
              byte[] fresh = serialize(body);
              var identity = new Key(fp.high(), fp.low(), Coding.IDENTITY);
              Encoded before =
                  cache.asMap().putIfAbsent(identity, new Encoded(fresh, Coding.IDENTITY, false));
              if (before != null && !Arrays.equals(before.bytes(), fresh)) {
                throw new IllegalStateException(
                    "fingerprint "
                        + fp.etag()
                        + " does not cover its body: kept "
                        + new String(before.bytes(), java.nio.charset.StandardCharsets.UTF_8)
                        + " but built "
                        + new String(fresh, java.nio.charset.StandardCharsets.UTF_8));
              }
              return fresh;
            });
  }

  private static void write(RoutingContext ctx, Encoded e) {
    var res = ctx.response();
    if (res.ended() || res.headWritten()) {
      return; // answered already (timed out with a 503 while this work went on)
    }
    res.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
    // a Content-Encoding of its own (identity included) keeps Netty's compressor away
    res.putHeader(
        HttpHeaders.CONTENT_ENCODING,
        e.coding() == Coding.IDENTITY ? HttpHeaders.IDENTITY : e.coding().token);
    res.end(Json.body(e.bytes())); // the kept bytes themselves: never changed
  }

  private Encoded encode(byte[] json, Coding coding, boolean fast) {
    if (coding == Coding.IDENTITY || json.length < minBytes) {
      return new Encoded(json, Coding.IDENTITY, false);
    }
    long t0 = System.nanoTime();
    byte[] out;
    try {
      out =
          coding == Coding.BR
              ? Encoder.compress(json, fast ? brotliFast : brotliBest)
              : gzip(json, fast ? GZIP_FAST : GZIP_BEST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    compressNanos.add(System.nanoTime() - t0);
    bytesIn.add(json.length);
    bytesOut.add(out.length);
    return new Encoded(out, coding, fast);
  }

  /**
   * The kept bytes of {@code key} compressed at the better setting, kept in their place: on an
   * answer's {@link #BETTER_AT_USE}th use, so only answers that are served again and again pay for
   * it, and once.
   */
  private Encoded better(Key key, Encoded fast) {
    byte[] json;
    long t0 = System.nanoTime();
    try {
      json =
          fast.coding() == Coding.BR
              ? com.aayushatharva.brotli4j.decoder.Decoder.decompress(fast.bytes())
                  .getDecompressedData()
              : gunzip(fast.bytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    compressNanos.add(System.nanoTime() - t0);
    if (json == null) {
      return fast; // not decodable (cannot happen for bytes this class made): serve them as they
      // are
    }
    Encoded best = encode(json, fast.coding(), false);
    cache.asMap().replace(key, fast, best);
    recompressed.increment();
    return best;
  }

  private static byte[] gzip(byte[] json, int level) throws IOException {
    var bytes = new ByteArrayOutputStream(json.length / 4 + 64);
    try (var gz =
        new GZIPOutputStream(bytes, 8192) {
          {
            def.setLevel(level);
          }
        }) {
      gz.write(json);
    }
    return bytes.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static byte[] serialize(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The best coding the client accepts ({@code br} over {@code gzip}), honouring {@code q=0}; no
   * header, or nothing acceptable, is identity.
   */
  static Coding negotiate(String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isEmpty()) {
      return Coding.IDENTITY;
    }
    boolean br = false;
    boolean gzip = false;
    for (String part : acceptEncoding.split(",")) {
      String p = part.trim();
      int semi = p.indexOf(';');
      String token = (semi < 0 ? p : p.substring(0, semi)).trim();
      if (semi >= 0 && p.substring(semi + 1).replace(" ", "").matches("q=0(\\.0{0,3})?")) {
        continue;
      }
      if (token.equalsIgnoreCase("br")) {
        br = true;
      } else if (token.equalsIgnoreCase("gzip") || token.equals("*")) {
        gzip = true;
      }
    }
    return br ? Coding.BR : gzip ? Coding.GZIP : Coding.IDENTITY;
  }
}
