package io.hotpath.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;

/** JSON in and out: one shared, pre-configured Jackson mapper writing records straight to bytes. */
public final class Json {
  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("application/json; charset=utf-8");

  private Json() {}

  /** Serialises {@code body} and ends the response with {@code status}. */
  public static void send(RoutingContext ctx, int status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE);
    if (status == 200 && HttpCaching.notModified(ctx, bytes)) {
      return;
    }
    ctx.response().end(Buffer.buffer(bytes));
  }

  /** Ends the response with 200 and {@code body}. */
  public static void ok(RoutingContext ctx, Object body) {
    send(ctx, 200, body);
  }
}
