package io.hotpath.http;

import io.hotpath.auth.TokenVersions;
import io.hotpath.auth.Tokens;
import io.hotpath.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is asking: reads {@code Authorization: Token <jwt>} (or {@code Bearer}) once per request. A
 * missing header leaves the request anonymous; a present but bad token is a 401 everywhere, so a
 * client with an expired token learns it instead of silently seeing anonymous data.
 */
public final class Viewer {
  private static final String KEY = "hotpath.viewer";
  private static final String TOKEN = "hotpath.token";
  private static final String SESSION = "hotpath.session";

  private Viewer() {}

  /**
   * The handler that authenticates every API request before any route runs: the token's signature
   * and expiry, then that its user still exists at the token's version (a password change revokes
   * older tokens), from a cache, so a warm check costs no SQL.
   */
  public static Handler<RoutingContext> authenticate(Tokens tokens, TokenVersions versions) {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      if (header == null || header.isBlank()) {
        ctx.next();
        return;
      }
      String token =
          header.startsWith("Token ")
              ? header.substring(6).trim()
              : header.startsWith("Bearer ") ? header.substring(7).trim() : "";
      if (token.isEmpty()) {
        ctx.fail(ApiException.Unauthorized.invalidToken());
        return;
      }
      tokens
          .verify(token)
          .compose(
              claims ->
                  versions
                      .current(claims)
                      .compose(
                          ok ->
                              ok
                                  ? Future.succeededFuture(claims)
                                  : Future.<Tokens.Claims>failedFuture(
                                      ApiException.Unauthorized.invalidToken())))
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  ctx.put(KEY, ar.result().userId());
                  ctx.put(TOKEN, token);
                  if (ar.result().session() != null) {
                    ctx.put(SESSION, ar.result().session());
                  }
                  ctx.next();
                } else {
                  ctx.fail(ar.cause());
                }
              });
    };
  }

  /** A handler for routes that need a signed-in user: 401 "token is missing" otherwise. */
  public static Handler<RoutingContext> required() {
    return ctx -> {
      if (ctx.get(KEY) == null) {
        ctx.fail(ApiException.Unauthorized.missingToken());
      } else {
        ctx.next();
      }
    };
  }

  /** The signed-in user's id, or null when anonymous. */
  public static Long id(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** The signed-in user's id; only on routes guarded by {@link #required()}. */
  public static long requireId(RoutingContext ctx) {
    Long id = ctx.get(KEY);
    if (id == null) {
      throw ApiException.Unauthorized.missingToken();
    }
    return id;
  }

  /** The token the request was signed with. */
  public static String token(RoutingContext ctx) {
    return ctx.get(TOKEN);
  }

  /** The session of the request's token, or null (anonymous, or a token from before sessions). */
  public static String session(RoutingContext ctx) {
    return ctx.get(SESSION);
  }
}
