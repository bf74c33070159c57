package io.hotpath.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.UncheckedIOException;

/** JSON in and out: one shared, pre-configured Jackson mapper writing records straight to bytes. */
public final class Json {
  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .registerModule(
              new com.fasterxml.jackson.databind.module.SimpleModule("vertx-json")
                  // Vert.x JSON values (nested in maps or records) as the JSON they hold, not as
                  // beans
                  .addSerializer(
                      io.vertx.core.json.JsonObject.class,
                      as(io.vertx.core.json.JsonObject::getMap))
                  .addSerializer(
                      io.vertx.core.json.JsonArray.class,
                      as(io.vertx.core.json.JsonArray::getList)));

  /** Writes a {@code T} as the plain value {@code content} gives. */
  private static <T> com.fasterxml.jackson.databind.JsonSerializer<T> as(
      java.util.function.Function<T, Object> content) {
    return new com.fasterxml.jackson.databind.JsonSerializer<>() {
      @Override
      public void serialize(
          T v,
          com.fasterxml.jackson.core.JsonGenerator gen,
          com.fasterxml.jackson.databind.SerializerProvider p)
          throws java.io.IOException {
        p.defaultSerializeValue(content.apply(v), gen);
      }
    };
  }

  private static final CharSequence CONTENT_TYPE =
      HttpHeaders.createOptimized("application/json; charset=utf-8");

  private Json() {}

  /** Serialises {@code body} and ends the response with {@code status}. */
  public static void send(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return; // answered already (timed out with a 503 while this work went on)
    }
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
    if (status >= 400) {
      HttpCaching.error(ctx);
    }
    ctx.response().end(body(bytes));
  }

  /**
   * A response body of {@code bytes} as they are, never changed afterwards: not a copy ({@code
   * Buffer.buffer(byte[])} copies into a new heap buffer: 7-9% of what the server allocated on the
   * realistic mix, kept answers being most of what it sends). Vert.x hands Netty only an
   * unreleasable view of a buffer it did not allocate, so nothing releases the array under it.
   */
  static Buffer body(byte[] bytes) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
  }

  /** Ends the response with 200 and {@code body}. */
  public static void ok(RoutingContext ctx, Object body) {
    send(ctx, 200, body);
  }

  /** Ends the response with {@code answer}: 200, or 304 for a matching conditional GET. */
  public static void answer(RoutingContext ctx, Answer answer) {
    switch (answer) {
      case Answer.Built b -> send(ctx, 200, b.body());
      case Answer.Versioned v -> {
        var kept = HttpCaching.representations(ctx);
        if (kept == null || ctx.request().method() != io.vertx.core.http.HttpMethod.GET) {
          v.body().get().onSuccess(body -> send(ctx, 200, body)).onFailure(ctx::fail);
        } else {
          kept.send(ctx, v);
        }
      }
    }
  }
}
