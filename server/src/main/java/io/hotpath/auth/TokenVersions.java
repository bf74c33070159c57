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
 * Each user's current token version, cached (two levels, invalidated across instances like every
 * other cache), so checking a token against it costs no SQL per request when warm: a token whose
 * user no longer exists, or whose version is older than the user's (the password changed since), is
 * not accepted. The user feature bumps the version and calls {@link #invalidate}.
 */
public final class TokenVersions {
  static final String VERSIONS = "SELECT id, token_version FROM users WHERE id = ANY($1::bigint[])";

  private final TwoLevelCache<Integer> versions;

  public TokenVersions(Caches caches, Sql sql, CacheSettings settings) {
    this.versions =
        caches.create(
            "token-version",
            caches.type(Integer.class),
            settings,
            ids ->
                sql.query(VERSIONS, Tuple.of(ids.stream().map(Long::valueOf).toArray(Long[]::new)))
                    .map(
                        rs -> {
                          var out = new HashMap<String, Integer>();
                          for (Row r : rs) {
                            out.put(Long.toString(r.getLong("id")), r.getInteger("token_version"));
                          }
                          return out;
                        }));
  }

  /** Whether a token with these claims still stands: its user exists at that version. */
  public Future<Boolean> current(Tokens.Claims claims) {
    return versions
        .get(Long.toString(claims.userId()))
        .map(v -> v.isPresent() && v.get() == claims.version());
  }

  /** After the user's version changed (password change); completes once every instance knows. */
  public Future<Void> invalidate(long userId) {
    return versions.invalidate(List.of(Long.toString(userId)));
  }
}
