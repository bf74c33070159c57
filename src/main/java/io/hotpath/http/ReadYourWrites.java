package io.hotpath.http;

import io.hotpath.cache.WriteMarks;
import io.hotpath.db.ReadFence;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * Read-your-writes across instances and a lagging replica: an authenticated write marks its user
 * (before it runs, and again as its response goes out); an authenticated read sets the request's
 * {@link ReadFence} to that user's last write, so its lag-tolerant reads go to a replica only if
 * that replica has replayed the write. Anonymous requests have no writes to see and no fence.
 * Installed only when a replica is configured.
 */
public final class ReadYourWrites implements Handler<RoutingContext> {
  private final WriteMarks marks;
  private final Clock clock;

  public ReadYourWrites(WriteMarks marks, Clock clock) {
    this.marks = marks;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Long user = Viewer.id(ctx);
    if (user == null) {
      ctx.next();
      return;
    }
    var context = ctx.vertx().getOrCreateContext();
    HttpMethod m = ctx.request().method();
    if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS) {
      marks
          .lastWrite(user)
          .onComplete(
              ar -> {
                Long fence = ar.succeeded() ? ar.result() : WriteMarks.UNKNOWN;
                if (fence != null) {
                  ReadFence.set(context, fence);
                }
                ctx.next();
              });
      return;
    }
    ReadFence.set(context, ReadFence.PRIMARY); // a write reads what it is about to change
    marks
        .pending(user)
        .onComplete(
            ar -> {
              ctx.addHeadersEndHandler(v -> marks.done(user, clock.millis()));
              ctx.next();
            });
  }
}
