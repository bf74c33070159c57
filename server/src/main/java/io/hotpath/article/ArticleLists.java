package io.hotpath.article;

import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.cache.TwoLevelCache;
import io.hotpath.social.Profiles;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Cached id pages of the filtered list: each page (its ids and the filter's total) is kept under
 * the current <b>version</b> of every filter part it depends on ({@code all}, {@code tag:<name>},
 * {@code author:<id>}, {@code fav:<id>}), so a write that can change which articles a filter
 * matches makes all of that filter's pages unreachable at once by invalidating one version key
 * (acknowledged across instances like every cache), without knowing which offsets and limits were
 * cached. Versions are random numbers drawn when a version key is first read after an invalidation
 * (in Redis, shared by the instances): no table, no SQL. Old pages age out.
 *
 * <p>Which write moves which version: a new article moves {@code all}, its author's and its tags';
 * a delete the same plus {@code deletes} (which every {@code favorited=} page also depends on, as
 * the article leaves every favoriter's list); a retag the old and new tags'; a favorite or
 * unfavorite the user's {@code fav}. Edits of title, body or counts move no version: pages hold
 * ids, and views come from the article cache.
 *
 * <p>The global list's first {@value #WINDOW} ids are one cached window, sliced into the pages
 * asked for: every new article moves {@code all}, and on the realistic mix (a publish every ~30
 * requests, readers on the first ten pages) each page then reloaded on its own, most of the list
 * statements the server sent. Other filters keep a page per (offset, limit): a version of theirs is
 * read a few times, mostly at offset 0, and a window would load ten pages to serve one.
 *
 * <p>Pages are loaded from the primary (not a replica): a page cached under the version a write
 * just created must include that write.
 */
final class ArticleLists {
  /** An id page and the filter's total, as cached. */
  record IdPage(List<Long> ids, long count) {}

  private static final String ALL = "all";

  /** How many of the global list's newest ids are cached as one window. */
  static final int WINDOW = 200;

  private static final String DELETES = "deletes";

  /**
   * Feeds of viewers who follow more authors than this are not cached: the key of a cached feed
   * page reads one version per followee.
   */
  static final int FEED_FOLLOWEES = 64;

  private final TwoLevelCache<Long> versions;
  private final TwoLevelCache<IdPage> pages;
  private final TwoLevelCache<IdPage> feeds;
  private final Profiles profiles;

  ArticleLists(
      Caches caches, ArticleRepository primary, Profiles profiles, CacheSettings settings) {
    this.profiles = profiles;
    this.versions =
        caches.readCache(
            "list-version",
            caches.type(Long.class),
            settings,
            keys -> {
              var out = new HashMap<String, Long>(keys.size() * 2);
              keys.forEach(k -> out.put(k, ThreadLocalRandom.current().nextLong()));
              return Future.succeededFuture(out);
            });
    this.pages =
        caches.readCache(
            "list-page",
            caches.type(IdPage.class),
            settings,
            eachKey(
                key -> {
                  var q = PageKey.parse(key);
                  return primary.pageOnPrimary(q.filter(), q.limit(), q.offset());
                }));
    this.feeds =
        caches.readCache(
            "feed-page",
            caches.type(IdPage.class),
            settings,
            eachKey(
                key -> {
                  var q = FeedKey.parse(key);
                  return primary.feedIdsOnPrimary(q.viewer(), q.limit(), q.offset());
                }));
  }

  /** A loader of missing id pages: one statement per page, all in flight at once. */
  private static Function<Set<String>, Future<Map<String, IdPage>>> eachKey(
      Function<String, Future<IdPage>> load) {
    return keys -> {
      var all = new ArrayList<Future<Map.Entry<String, IdPage>>>(keys.size());
      for (String key : keys) {
        all.add(load.apply(key).map(page -> Map.entry(key, page)));
      }
      return Future.all(all)
          .map(
              v -> {
                var out = new HashMap<String, IdPage>(keys.size() * 2);
                for (var f : all) {
                  out.put(f.result().getKey(), f.result().getValue());
                }
                return out;
              });
    };
  }

  /**
   * A page of {@code viewer}'s feed: its ids and the feed's total, cached under the viewer's
   * followees and the {@code author:<id>} version of each (moved by every article they publish or
   * delete; a follow or unfollow changes the followees). No SQL when warm. Empty when the viewer
   * follows more than {@link #FEED_FOLLOWEES} authors: the caller asks the database.
   */
  Future<Optional<IdPage>> feed(long viewer, int limit, int offset) {
    return profiles
        .following(viewer)
        .compose(
            followees -> {
              if (followees.size() > FEED_FOLLOWEES) {
                return Future.succeededFuture(Optional.empty());
              }
              long[] ids = followees.stream().mapToLong(Long::longValue).sorted().toArray();
              var parts = new ArrayList<String>(ids.length);
              for (long id : ids) {
                parts.add("author:" + id);
              }
              return versions
                  .getAll(parts)
                  .compose(
                      found -> {
                        // 128 bits over (followee, version) pairs in id order
                        long h1 = 0x9E3779B97F4A7C15L;
                        long h2 = 0xC2B2AE3D27D4EB4FL;
                        for (int i = 0; i < ids.length; i++) {
                          long v = found.getOrDefault(parts.get(i), 0L);
                          h1 = mix(h1 ^ ids[i]) + v;
                          h2 = mix(h2 + v) ^ ids[i];
                        }
                        var key =
                            new FeedKey(viewer, limit, offset).text(mix(h1), mix(h2 ^ ids.length));
                        return feeds
                            .get(key)
                            .map(p -> Optional.of(p.orElse(new IdPage(List.of(), 0))));
                      });
            });
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A feed page's cache key, which its loader reads back: {@code viewer:limit:offset:hash}, the
   * hash over the viewer's followees and their versions (the loader needs only the first three).
   */
  record FeedKey(long viewer, int limit, int offset) {
    String text(long high, long low) {
      return viewer
          + ":"
          + limit
          + ":"
          + offset
          + ":"
          + Long.toHexString(high)
          + Long.toHexString(low);
    }

    static FeedKey parse(String text) {
      String[] p = text.split(":", 4);
      return new FeedKey(Long.parseLong(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }
  }

  /** The page's ids and the filter's total: no SQL when warm. */
  Future<IdPage> page(ArticleFilter f, int limit, int offset) {
    Future<Optional<Long>> author =
        f.author() == null ? Future.succeededFuture(Optional.empty()) : profiles.idOf(f.author());
    Future<Optional<Long>> fav =
        f.favorited() == null
            ? Future.succeededFuture(Optional.empty())
            : profiles.idOf(f.favorited());
    return Future.all(author, fav)
        .compose(
            x -> {
              if ((f.author() != null && author.result().isEmpty())
                  || (f.favorited() != null && fav.result().isEmpty())) {
                return Future.succeededFuture(new IdPage(List.of(), 0)); // no such user
              }
              Long a = author.result().orElse(null);
              Long v = fav.result().orElse(null);
              List<String> parts = parts(f.tag(), a, v);
              return versions
                  .getAll(parts)
                  .compose(
                      found -> {
                        var key = new StringBuilder();
                        for (String p : parts) {
                          key.append(Long.toHexString(found.getOrDefault(p, 0L))).append('.');
                        }
                        boolean windowed = parts.equals(GLOBAL) && offset + limit <= WINDOW;
                        return pages
                            .get(
                                new PageKey(
                                        f.tag(),
                                        a,
                                        v,
                                        key.toString(),
                                        windowed ? WINDOW : limit,
                                        windowed ? 0 : offset)
                                    .text())
                            .map(p -> p.orElse(new IdPage(List.of(), 0)))
                            .map(p -> windowed ? slice(p, offset, limit) : p);
                      });
            });
  }

  private static final List<String> GLOBAL = List.of(ALL);

  /** The page at {@code offset} of a window that starts at 0. */
  private static IdPage slice(IdPage window, int offset, int limit) {
    int size = window.ids().size();
    return new IdPage(
        window.ids().subList(Math.min(offset, size), Math.min(offset + limit, size)),
        window.count());
  }

  /** After a new article (or a deleted one: {@code deleted}): its lists change. */
  Future<Void> articleAddedOrRemoved(long authorId, Collection<String> tags, boolean deleted) {
    var parts = new LinkedHashSet<String>();
    parts.add(ALL);
    parts.add("author:" + authorId);
    tags.forEach(t -> parts.add("tag:" + t));
    if (deleted) {
      parts.add(DELETES);
    }
    return versions.invalidate(parts);
  }

  /** After an article's tags changed from {@code before} to {@code after}. */
  Future<Void> retagged(Collection<String> before, Collection<String> after) {
    var parts = new LinkedHashSet<String>();
    before.forEach(t -> parts.add("tag:" + t));
    after.forEach(t -> parts.add("tag:" + t));
    return parts.isEmpty() ? Future.succeededFuture() : versions.invalidate(parts);
  }

  /** After {@code userId} favorited or unfavorited an article. */
  Future<Void> favoritesChanged(long userId) {
    return versions.invalidate(List.of("fav:" + userId));
  }

  /** The version keys a filter's pages depend on. */
  private static List<String> parts(String tag, Long author, Long favorited) {
    var parts = new ArrayList<String>(4);
    if (tag != null) {
      parts.add("tag:" + tag);
    }
    if (author != null) {
      parts.add("author:" + author);
    }
    if (favorited != null) {
      parts.add("fav:" + favorited);
      parts.add(DELETES);
    }
    if (parts.isEmpty()) {
      parts.add(ALL);
    }
    return parts;
  }

  /**
   * A page's cache key, which its loader reads back: {@code
   * offset:limit:author:favorited:versions:#tag}, the tag last (it may hold any character).
   */
  record PageKey(String tag, Long author, Long favorited, String versions, int limit, int offset) {
    String text() {
      return offset
          + ":"
          + limit
          + ":"
          + (author == null ? "-" : author)
          + ":"
          + (favorited == null ? "-" : favorited)
          + ":"
          + versions
          + ":"
          + (tag == null ? "" : "#" + tag);
    }

    static PageKey parse(String text) {
      String[] p = text.split(":", 6);
      return new PageKey(
          p[5].isEmpty() ? null : p[5].substring(1),
          p[2].equals("-") ? null : Long.valueOf(p[2]),
          p[3].equals("-") ? null : Long.valueOf(p[3]),
          p[4],
          Integer.parseInt(p[1]),
          Integer.parseInt(p[0]));
    }

    /** The filter with users by id, as the page queries take it. */
    ArticleQueries.Where filter() {
      return ArticleQueries.Where.byIds(tag, author, favorited);
    }
  }
}
