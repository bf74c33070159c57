package io.hotpath.http;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is refused before the router sees a request, answered in the RealWorld error shape:
 *
 * <ul>
 *   <li>framing a proxy in front could read differently (request smuggling, RFC 9112 §6.1 and
 *       §6.3): {@code Content-Length} together with {@code Transfer-Encoding}, a {@code
 *       Transfer-Encoding} whose last coding is not chunked, duplicate {@code Host}: 400, and the
 *       connection is closed;
 *   <li>an HTTP/1.1 request without {@code Host}: 400;
 *   <li>malformed percent-encoding in the path or query: 400 (instead of failing later, wherever a
 *       parameter happens to be decoded);
 *   <li>requests the HTTP decoder itself rejects (a request line or header block over the limits, a
 *       malformed line): 414, 431 or 400 with a JSON body, not an empty one.
 * </ul>
 */
public final class EdgeGuard {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeGuard.class);
  static final String NOSNIFF = "nosniff";

  private EdgeGuard() {}

  /** {@code next} behind the checks above. */
  public static Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return req -> {
      String refusal = refusal(req);
      if (refusal == null) {
        next.handle(req);
      } else {
        send(req, 400, "request", refusal, framing(refusal));
      }
    };
  }

  /** Answers what the HTTP decoder could not parse. */
  public static Handler<HttpServerRequest> invalidRequests() {
    return req -> {
      DecoderResult result = req.decoderResult();
      Throwable cause = result == null ? null : result.cause();
      int status;
      String message;
      if (cause instanceof TooLongHttpLineException) {
        status = 414;
        message = "line is too long";
      } else if (cause instanceof TooLongHttpHeaderException
          || cause instanceof TooLongFrameException) {
        status = 431;
        message = "headers are too large";
      } else {
        status = 400;
        message = "is malformed";
      }
      send(req, status, "request", message, true);
    };
  }

  /**
   * Replaces the connection's HTTP/1 decoder with one that marks a request carrying both
   * Content-Length and Transfer-Encoding as invalid (Netty's default silently drops Content-Length
   * and serves it). Vert.x has no option for this; Netty documents the hook for it. Called for each
   * new connection, before it has read a byte: that holds only with cleartext HTTP/2 off (with it
   * on, Vert.x reads the first request's head before it builds the HTTP/1 pipeline), so the server
   * must be HTTP/1.1 only, which this refuses to work without.
   */
  public static Handler<HttpConnection> strictFraming(HttpServerOptions options) {
    if (options.isHttp2ClearTextEnabled()) {
      // the connection handler would run after the first request's head was decoded
      throw new IllegalArgumentException("strict framing needs cleartext HTTP/2 off");
    }
    return conn -> {
      if (!(conn instanceof ConnectionBase base)) {
        return;
      }
      var pipeline = base.channel().pipeline();
      for (Map.Entry<String, ChannelHandler> e : pipeline) {
        if (e.getValue() instanceof HttpRequestDecoder
            && !(e.getValue() instanceof StrictDecoder)) {
          pipeline.replace(e.getKey(), e.getKey(), new StrictDecoder(options));
          return;
        }
      }
      LOG.warn(
          "no HTTP/1 decoder found to make strict: Content-Length + Transfer-Encoding unchecked");
    };
  }

  /** Vert.x's decoder, but a message with both framing headers is invalid. */
  static final class StrictDecoder extends VertxHttpRequestDecoder {
    StrictDecoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      message.setDecoderResult(
          DecoderResult.failure(
              new IllegalArgumentException("Content-Length and Transfer-Encoding together")));
    }
  }

  /** Why {@code req} is refused, or null. */
  static String refusal(HttpServerRequest req) {
    var headers = req.headers();
    String te = headers.get(HttpHeaders.TRANSFER_ENCODING);
    if (te != null) {
      if (headers.contains(HttpHeaders.CONTENT_LENGTH)) {
        return FRAMING + "Content-Length with Transfer-Encoding";
      }
      String[] codings = te.split(",");
      if (!codings[codings.length - 1].trim().toLowerCase(Locale.ROOT).equals("chunked")
          || headers.getAll(HttpHeaders.TRANSFER_ENCODING).size() > 1) {
        return FRAMING + "Transfer-Encoding must end in chunked";
      }
    }
    List<String> hosts = headers.getAll(HttpHeaders.HOST);
    if (hosts.size() > 1) {
      return FRAMING + "more than one Host";
    }
    if (hosts.isEmpty() && req.version() != HttpVersion.HTTP_1_0) {
      return "Host header is missing";
    }
    String uri = req.uri();
    if (uri == null || !validPercentEncoding(uri)) {
      return "URI has malformed percent-encoding";
    }
    return null;
  }

  private static final String FRAMING = "ambiguous framing: ";

  private static boolean framing(String refusal) {
    return refusal.startsWith(FRAMING);
  }

  /** Every '%' is followed by two hex digits (path and query alike). */
  static boolean validPercentEncoding(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || !hex(uri.charAt(i + 1)) || !hex(uri.charAt(i + 2))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** An error response outside the router: JSON error shape, nosniff, closed when asked. */
  static void send(HttpServerRequest req, int status, String thing, String message, boolean close) {
    HttpServerResponse res = req.response();
    if (res.ended()) {
      return;
    }
    res.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader("X-Content-Type-Options", NOSNIFF)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (close) {
      res.putHeader(HttpHeaders.CONNECTION, "close");
    }
    res.end(
            "{\"errors\":{\""
                + thing
                + "\":[\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"]}}")
        .onComplete(
            ar -> {
              if (close) {
                req.connection().close();
              }
            });
  }
}
