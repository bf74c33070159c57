package io.hotpath.social;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.hotpath.notify.Notifications;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who favorited which article: the social feature's face for it. Flags are cached per (user,
 * article) pair, so a page of twenty articles asks for twenty keys in one batch (one statement for
 * all misses), and a toggle invalidates exactly the one pair it changed, never a whole set. The
 * favorites count on the article row is kept by a trigger in the same statement as the toggle.
 */
public final class Favorites {
  private final TwoLevelCache<Boolean> flags;
  private final Sql sql;

  public Favorites(Caches caches, Sql sql, CacheSettings settings) {
    this.sql = sql;
    this.flags = caches.readCache("favorite", caches.type(Boolean.class), settings, this::load);
  }

  /** Which of {@code articles} {@code user} has favorited. */
  public Future<Set<Long>> among(long user, Collection<Long> articles) {
    var keys = new ArrayList<String>(articles.size());
    for (Long a : articles) {
      keys.add(key(user, a));
    }
    return flags
        .getAll(keys)
        .map(
            found -> {
              var out = new HashSet<Long>();
              found.forEach(
                  (k, v) -> {
                    if (v) {
                      out.add(Long.parseLong(k.substring(k.indexOf(':') + 1)));
                    }
                  });
              return out;
            });
  }

  /**
   * Adds the favorite, and when it is new notifies {@code author}, in one statement (no
   * transaction); true when it is new.
   */
  public Future<Boolean> add(Notifications notifications, long user, long article, long author) {
    return notifications
        .write(
            sql, SocialRepository.FAVORITE_ADD, Tuple.of(user, article, author), "favorite", user)
        .map(rs -> rs.size() > 0);
  }

  /** Removes the favorite; true when there was one. */
  public Future<Boolean> remove(long user, long article) {
    return sql.query(SocialRepository.FAVORITE_REMOVE, Tuple.of(user, article))
        .map(rs -> rs.size() > 0);
  }

  /** After {@code user} favorited or unfavorited {@code article}: the one pair that changed. */
  public Future<Void> changed(long user, long article) {
    return flags.invalidate(List.of(key(user, article)));
  }

  private Future<java.util.Map<String, Boolean>> load(Set<String> keys) {
    var users = new ArrayList<Long>(keys.size());
    var articles = new ArrayList<Long>(keys.size());
    for (String k : keys) {
      int colon = k.indexOf(':');
      users.add(Long.parseLong(k.substring(0, colon)));
      articles.add(Long.parseLong(k.substring(colon + 1)));
    }
    return sql.query(
            SocialRepository.FAVORITES_AMONG,
            Tuple.tuple()
                .addArrayOfLong(users.toArray(Long[]::new))
                .addArrayOfLong(articles.toArray(Long[]::new)))
        .map(
            rs -> {
              var out = new HashMap<String, Boolean>(keys.size() * 2);
              keys.forEach(k -> out.put(k, false)); // a "no" is a value, cached like a "yes"
              for (Row r : rs) {
                out.put(key(r.getLong("user_id"), r.getLong("article_id")), true);
              }
              return out;
            });
  }

  private static String key(long user, long article) {
    return user + ":" + article;
  }
}
