package io.hotpath.http;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * What a GET route answers with 200: a body already built, or a {@link Fingerprint} and the way to
 * build the body, so that a conditional GET that matches, or a request whose encoded bytes are
 * already cached, never builds it ({@link Json#answer}).
 */
public sealed interface Answer {
  /** A body already built: ETag from its bytes, compressed per response. */
  record Built(Object body) implements Answer {}

  /** A body known by its fingerprint, built only when no cached representation serves. */
  record Versioned(Fingerprint fingerprint, Supplier<Future<Object>> body) implements Answer {}

  static Answer of(Object body) {
    return new Built(body);
  }

  static Answer versioned(Fingerprint fingerprint, Supplier<Object> body) {
    return new Versioned(fingerprint, () -> Future.succeededFuture(body.get()));
  }

  /** As {@link #versioned(Fingerprint, Supplier)}, for a body built asynchronously. */
  static Answer versionedAsync(Fingerprint fingerprint, Supplier<Future<Object>> body) {
    return new Versioned(fingerprint, body);
  }
}
