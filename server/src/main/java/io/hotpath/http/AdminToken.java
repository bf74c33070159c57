package io.hotpath.http;

import io.hotpath.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Guards the admin API with {@code X-Admin-Token} (ADMIN_TOKEN): without a configured token the
 * admin routes do not exist (404); a missing or wrong token is 401. Compared in constant time.
 */
public final class AdminToken implements Handler<RoutingContext> {
  private final Optional<byte[]> token;

  public AdminToken(Optional<String> adminToken) {
    this.token = adminToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader("X-Admin-Token");
    if (token.isEmpty()) {
      ctx.fail(new ApiException.NotFound("route", ctx.request().path()));
    } else if (given == null
        || !MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8))) {
      ctx.fail(new ApiException.Unauthorized("admin", "token is missing or wrong"));
    } else {
      ctx.next();
    }
  }
}
