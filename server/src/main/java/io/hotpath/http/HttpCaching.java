package io.hotpath.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.zip.CRC32C;

/**
 * HTTP caching for JSON GETs, per audience (docs/caching.md has the table):
 *
 * <ul>
 *   <li><b>Browsers always revalidate.</b> Every answer a browser may keep carries {@code
 *       max-age=0} (or {@code no-cache}) and an ETag, so reusing it costs a conditional request and
 *       a 304, and a client's own write is visible on its next read even when it reads anonymously
 *       (a RealWorld single-page client does: scripts/browser-cache-check.cjs).
 *   <li><b>Shared caches</b> (CDN, gateway) may reuse an anonymous answer, the same bytes for
 *       everyone, for {@code s-maxage} = SHARED_MAX_AGE_SECONDS; an answer to a request with a
 *       token is {@code private}, and {@code Vary: Authorization, Accept-Encoding} keeps shared
 *       caches from mixing callers or encodings. Routes that set their own (auth: {@code no-store})
 *       win; errors are {@code no-store}.
 *   <li><b>Validators</b>: for versioned answers ({@link Answer.Versioned}) the ETag is their
 *       {@link Fingerprint}, known before the body is built, so a matching {@code If-None-Match} is
 *       a 304 that builds nothing ({@link Representations}); for the rest, a weak ETag from the
 *       body (CRC32C and length).
 * </ul>
 */
public final class HttpCaching {
  private static final String ANONYMOUS_KEY = "hotpath.anonymousCacheControl";
  private static final String REPRESENTATIONS_KEY = "hotpath.representations";

  private HttpCaching() {}

  /** The Cache-Control of anonymous GETs with this shared-cache lifetime. */
  static String anonymous(int sharedMaxAgeSeconds) {
    return sharedMaxAgeSeconds == 0
        ? "public, no-cache"
        : "public, max-age=0, must-revalidate, s-maxage=" + sharedMaxAgeSeconds;
  }

  /**
   * Records this request's anonymous Cache-Control and where versioned answers are kept (installed
   * once, before the routes).
   */
  public static Handler<RoutingContext> policy(
      int sharedMaxAgeSeconds, Representations representations) {
    String value = anonymous(sharedMaxAgeSeconds);
    return ctx -> {
      ctx.put(ANONYMOUS_KEY, value);
      ctx.put(REPRESENTATIONS_KEY, representations);
      ctx.next();
    };
  }

  /** Where this request's versioned answers are kept (null outside the API router). */
  static Representations representations(RoutingContext ctx) {
    return ctx.get(REPRESENTATIONS_KEY);
  }

  /** An error answer is never stored by any cache (unless its route said otherwise). */
  static void error(RoutingContext ctx) {
    if (ctx.response().headers().get(HttpHeaders.CACHE_CONTROL) == null) {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
  }

  /**
   * Sets Cache-Control (unless the route set its own) and Vary on a 200 GET; true when the answer
   * may be kept at all (not {@code no-store}), i.e. when it gets an ETag.
   */
  static boolean headers(RoutingContext ctx) {
    var res = ctx.response();
    String cc = res.headers().get(HttpHeaders.CACHE_CONTROL);
    if (cc == null) {
      boolean personal = ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null;
      String pub = ctx.get(ANONYMOUS_KEY);
      cc = personal || pub == null ? "private, no-cache" : pub;
      res.putHeader(HttpHeaders.CACHE_CONTROL, cc);
    }
    res.putHeader(HttpHeaders.VARY, "Authorization, Accept-Encoding");
    return !cc.contains("no-store");
  }

  /** Adds caching headers to a 200 GET; true when the response was ended as 304 instead. */
  static boolean notModified(RoutingContext ctx, byte[] body) {
    if (ctx.request().method() != HttpMethod.GET || !headers(ctx)) {
      return false;
    }
    var res = ctx.response();
    var crc = new CRC32C();
    crc.update(body);
    String etag =
        "W/\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(body.length) + "\"";
    res.putHeader(HttpHeaders.ETAG, etag);
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      res.setStatusCode(304).end();
      return true;
    }
    return false;
  }

  /** Weak comparison of {@code If-None-Match} (may be null) with our weak {@code etag}. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    if (ifNoneMatch.trim().equals("*")) {
      return true;
    }
    String bare = etag.substring(2); // weak comparison: W/"x" matches "x" and W/"x"
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(bare)) {
        return true;
      }
    }
    return false;
  }
}
