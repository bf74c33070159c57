package io.hotpath.http;

import io.hotpath.replica.ReadYourWrites;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Applies {@link ReadYourWrites} to each signed-in request: reads are fenced at the caller's last
 * write, writes mark the caller before they run and as their response goes out.
 */
public final class WriterFence implements Handler<RoutingContext> {
  private final ReadYourWrites policy;

  public WriterFence(ReadYourWrites policy) {
    this.policy = policy;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Long user = Viewer.id(ctx);
    if (user == null) {
      ctx.next();
      return;
    }
    HttpMethod m = ctx.request().method();
    if (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS) {
      policy.beforeRead(user).onComplete(ar -> ctx.next());
      return;
    }
    policy
        .beforeWrite(user)
        .onComplete(
            ar -> {
              ctx.addHeadersEndHandler(v -> policy.afterWrite(user));
              ctx.next();
            });
  }
}
