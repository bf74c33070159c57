package io.hotpath.replica;

import io.vertx.core.Future;
import java.time.Clock;

/**
 * Read-your-writes across instances and a lagging replica: a write by a user marks the user (before
 * it runs, and again as its response goes out); a read by a user sets the request's {@link
 * ReadFence} to that user's last write, so its lag-tolerant reads go to a replica only if that
 * replica has replayed the write. Anonymous requests have no writes to see and no fence. In use
 * only when a replica is configured (the HTTP layer calls it for every signed-in request).
 */
public final class ReadYourWrites {
  private final WriteMarks marks;
  private final Clock clock;

  public ReadYourWrites(WriteMarks marks, Clock clock) {
    this.marks = marks;
    this.clock = clock;
  }

  /** Before a read by {@code user}: fences the request at the user's last write. */
  public Future<Void> beforeRead(long user) {
    return marks
        .lastWrite(user)
        .transform(
            ar -> {
              Long fence = ar.succeeded() ? ar.result() : WriteMarks.UNKNOWN;
              if (fence != null) {
                ReadFence.set(fence);
              }
              return Future.succeededFuture();
            });
  }

  /** Before a write by {@code user}: it reads the primary, and every instance sees it pending. */
  public Future<Void> beforeWrite(long user) {
    ReadFence.set(ReadFence.PRIMARY); // a write reads what it is about to change
    return marks.pending(user).transform(ar -> Future.succeededFuture());
  }

  /** As the write's response goes out: the time a replica must reach to serve the user. */
  public void afterWrite(long user) {
    marks.done(user, clock.millis());
  }
}
