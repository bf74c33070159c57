package io.hotpath.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.zip.CRC32C;

/**
 * HTTP caching for JSON GETs: a weak ETag from the body (CRC32C and length), 304 for a matching
 * {@code If-None-Match} (the body is not sent), and Cache-Control a CDN can trust: {@code public,
 * max-age=N} only for anonymous requests (the same bytes for everyone), {@code private, no-cache}
 * when the answer depends on the caller; routes that set their own (auth: {@code no-store}) win.
 * {@code Vary: Authorization, Accept-Encoding} keeps shared caches from mixing callers or
 * encodings.
 */
public final class HttpCaching {
  private static final String MAX_AGE_KEY = "hotpath.publicMaxAge";

  private HttpCaching() {}

  /** Records the public max-age for this request (installed once, before the routes). */
  public static Handler<RoutingContext> publicMaxAge(int seconds) {
    String value = "public, max-age=" + seconds;
    return ctx -> {
      ctx.put(MAX_AGE_KEY, value);
      ctx.next();
    };
  }

  /** Adds caching headers to a 200 GET; true when the response was ended as 304 instead. */
  static boolean notModified(RoutingContext ctx, byte[] body) {
    if (ctx.request().method() != HttpMethod.GET) {
      return false;
    }
    var res = ctx.response();
    String cc = res.headers().get(HttpHeaders.CACHE_CONTROL);
    if (cc == null) {
      boolean personal = ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null;
      String pub = ctx.get(MAX_AGE_KEY);
      cc = personal || pub == null ? "private, no-cache" : pub;
      res.putHeader(HttpHeaders.CACHE_CONTROL, cc);
    }
    res.putHeader(HttpHeaders.VARY, "Authorization, Accept-Encoding");
    if (cc.contains("no-store")) {
      return false;
    }
    var crc = new CRC32C();
    crc.update(body);
    String etag =
        "W/\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(body.length) + "\"";
    res.putHeader(HttpHeaders.ETAG, etag);
    String inm = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (inm != null && (inm.equals("*") || matches(inm, etag))) {
      res.setStatusCode(304).end();
      return true;
    }
    return false;
  }

  private static boolean matches(String ifNoneMatch, String etag) {
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
