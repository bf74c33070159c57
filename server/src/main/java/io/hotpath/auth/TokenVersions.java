package io.hotpath.auth;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;

/**
 * Each user's current token version and the session that last changed the password, cached (two
 * levels, invalidated across instances like every other cache), so checking a token costs no SQL
 * per request when warm. A token stands when its user exists and it is of the current version, or
 * of the session that made the last password change (that client stays signed in; every other
 * earlier token is revoked). The user feature bumps the version and calls {@link #invalidate}.
 */
public final class TokenVersions {
  static final String VERSIONS =
      "SELECT id, token_version, password_session FROM users WHERE id = ANY($1::bigint[])";

  /** What a user's tokens are checked against. */
  record Standing(int version, String keptSession) {
    boolean accepts(Tokens.Claims c) {
      return c.version() == version || (keptSession != null && keptSession.equals(c.session()));
    }
  }

  private final TwoLevelCache<Standing> versions;

  public TokenVersions(Caches caches, Sql sql, CacheSettings settings) {
    this.versions =
        caches.create(
            "token-standing",
            caches.type(Standing.class),
            settings,
            ids ->
                sql.query(VERSIONS, Tuple.of(ids.stream().map(Long::valueOf).toArray(Long[]::new)))
                    .map(
                        rs -> {
                          var out = new HashMap<String, Standing>();
                          for (Row r : rs) {
                            out.put(
                                Long.toString(r.getLong("id")),
                                new Standing(
                                    r.getInteger("token_version"),
                                    r.getString("password_session")));
                          }
                          return out;
                        }));
  }

  /** Whether a token with these claims still stands (see the class comment). */
  public Future<Boolean> current(Tokens.Claims claims) {
    return versions
        .get(Long.toString(claims.userId()))
        .map(v -> v.isPresent() && v.get().accepts(claims));
  }

  /** After the user's version changed (password change); completes once every instance knows. */
  public Future<Void> invalidate(long userId) {
    return versions.invalidate(List.of(Long.toString(userId)));
  }
}
