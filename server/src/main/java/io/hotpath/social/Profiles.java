package io.hotpath.social;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.db.Sql;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cached reads of users as others see them: profiles by id, ids by username, and each user's
 * followee set (so "following" flags on a page of articles cost a set lookup, not a query). Writers
 * call the invalidate methods before they answer.
 */
public final class Profiles {
  private final TwoLevelCache<ProfileCore> byId;
  private final TwoLevelCache<Long> idByUsername;
  private final TwoLevelCache<long[]> following;

  public Profiles(Caches caches, Sql sql, CacheSettings settings) {
    var repo = new SocialRepository(sql);
    this.byId =
        caches.readCache(
            "profile",
            caches.type(ProfileCore.class),
            settings,
            ids -> repo.profilesByIds(longs(ids)).map(Profiles::keyed));
    this.idByUsername =
        caches.readCache(
            "username", caches.type(Long.class), settings, names -> repo.idsByUsernames(names));
    this.following =
        caches.readCache(
            "following",
            caches.type(long[].class),
            settings,
            ids -> repo.followeesOf(longs(ids)).map(Profiles::keyed));
  }

  /** Profiles of these users (missing ids are absent from the map). */
  public Future<Map<Long, ProfileCore>> byIds(Collection<Long> ids) {
    var keys = new ArrayList<String>(ids.size());
    for (Long id : ids) {
      keys.add(Long.toString(id));
    }
    return byId.getAll(keys)
        .map(
            found -> {
              var out = new HashMap<Long, ProfileCore>(found.size() * 2);
              found.values().forEach(p -> out.put(p.id(), p));
              return out;
            });
  }

  /** The id of the user with this username, if any. */
  public Future<Optional<Long>> idOf(String username) {
    return idByUsername.get(username);
  }

  /** Ids of the users {@code userId} follows. */
  public Future<Set<Long>> following(long userId) {
    return following
        .get(Long.toString(userId))
        .map(o -> io.hotpath.kernel.Ids.toSet(o.orElse(new long[0])));
  }

  /** After a profile change (including a rename: pass the old and new usernames). */
  public Future<Void> invalidateUser(long id, String... usernames) {
    return Future.all(
            byId.invalidate(List.of(Long.toString(id))),
            idByUsername.invalidate(List.of(usernames)))
        .mapEmpty();
  }

  /** After a new user took {@code username} (a cached "not found" must go). */
  public Future<Void> invalidateUsername(String username) {
    return idByUsername.invalidate(List.of(username));
  }

  /** After {@code userId} followed or unfollowed someone. */
  public Future<Void> invalidateFollowing(long userId) {
    return following.invalidate(List.of(Long.toString(userId)));
  }

  static long[] longs(Set<String> ids) {
    return ids.stream().mapToLong(Long::parseLong).toArray();
  }

  private static <V> Map<String, V> keyed(Map<Long, V> m) {
    var out = new HashMap<String, V>(m.size() * 2);
    m.forEach((k, v) -> out.put(Long.toString(k), v));
    return out;
  }
}
