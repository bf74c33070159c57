package io.hotpath.auth;

import io.hotpath.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;

/**
 * Issues and verifies the API's JWTs (HS256). A token carries only the user's id ({@code sub}), so
 * verifying it needs no database round trip and survives renames.
 */
public final class Tokens {
  private final JWTAuth jwt;
  private final JWTOptions options;

  public Tokens(Vertx vertx, String secret, Duration ttl) {
    this.jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.options =
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttl.toSeconds());
  }

  /** A signed token for the user with this id. */
  public String issue(long userId) {
    return jwt.generateToken(new JsonObject().put("sub", Long.toString(userId)), options);
  }

  /** The user id in a valid, unexpired token; fails with 401 "token is invalid" otherwise. */
  public Future<Long> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .map(user -> Long.parseLong(user.principal().getString("sub")))
        .recover(t -> Future.failedFuture(ApiException.Unauthorized.invalidToken()));
  }
}
