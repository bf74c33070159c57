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
 * Issues and verifies the API's JWTs (HS256). A token carries the user's id ({@code sub}), the
 * user's token version when it was issued ({@code ver}) and a random session id ({@code sid});
 * verifying the signature and expiry needs no database round trip, and {@link TokenVersions} then
 * says whether the token still stands. Any token that is not exactly well-formed (a non-numeric
 * {@code exp}, {@code sub} or {@code ver}, a missing claim) is "invalid", never a server error.
 */
public final class Tokens {
  /** What a valid token says; {@code session} is null for tokens issued before sessions existed. */
  public record Claims(long userId, int version, String session) {}

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

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

  /** A signed token for the user with this id, at this token version, for a new session. */
  public String issue(long userId, int version) {
    byte[] sid = new byte[12];
    RANDOM.nextBytes(sid);
    return jwt.generateToken(
        new JsonObject()
            .put("sub", Long.toString(userId))
            .put("ver", version)
            .put("sid", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sid)),
        options);
  }

  /** The claims of a valid, unexpired token; fails with 401 "token is invalid" otherwise. */
  public Future<Claims> verify(String token) {
    Future<io.vertx.ext.auth.User> user;
    try {
      user = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) { // the JWT library throws on some malformed claims
      return Future.failedFuture(ApiException.Unauthorized.invalidToken());
    }
    return user.map(u -> claims(u.attributes().getJsonObject("accessToken", new JsonObject())))
        .recover(t -> Future.failedFuture(ApiException.Unauthorized.invalidToken()));
  }

  /** The verified token's payload as the API needs it; anything malformed is "invalid". */
  private static Claims claims(JsonObject payload) {
    if (!(payload.getValue("exp") instanceof Number)) {
      throw new IllegalArgumentException("exp is not a number");
    }
    long id = Long.parseLong(payload.getString("sub"));
    Object ver = payload.getValue("ver", 0);
    Object sid = payload.getValue("sid");
    if (id <= 0 || !(ver instanceof Integer v) || v < 0) {
      throw new IllegalArgumentException("sub or ver out of range");
    }
    if (sid != null && !(sid instanceof String)) {
      throw new IllegalArgumentException("sid is not a string");
    }
    return new Claims(id, v, (String) sid);
  }
}
