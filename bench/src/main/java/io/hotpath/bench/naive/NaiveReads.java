package io.hotpath.bench.naive;

import io.hotpath.db.Sql;
import io.hotpath.error.ApiException;
import io.hotpath.http.Json;
import io.hotpath.http.Viewer;
import io.hotpath.kernel.Timestamps;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The benchmark's naive read paths, and nothing else: the RealWorld reads written the way a first
 * version usually is. Mounted in front of the real routes only when NAIVE=on, so the same server,
 * data and load generator measure both. Two of the practices the benchmark ablates live here:
 *
 * <ul>
 *   <li>batching (NAIVE_BATCH): off = N+1, one query per article for its row, author, tags and the
 *       viewer's flags; on = one {@code = ANY($1)} query per kind for the whole page;
 *   <li>parallel fan-out (NAIVE_PARALLEL): off = every independent query waits for the previous
 *       one; on = independent queries are in flight together (pipelined on the connection).
 * </ul>
 *
 * The others are switched elsewhere: indexes (bench/naive-indexes.sql), the pool (DB_POOL=off),
 * caching (CACHE=off) and compression (COMPRESSION=off). Requests this class does not cover (a
 * favorited= filter, writes) fall through to the real routes.
 */
final class NaiveReads implements Consumer<Router> {
  private final Sql db;
  private final boolean batch;
  private final boolean parallel;

  NaiveReads(Sql db, boolean batch, boolean parallel) {
    this.db = db;
    this.batch = batch;
    this.parallel = parallel;
  }

  @Override
  public void accept(Router router) {
    router.get("/api/articles").handler(ctx -> guard(ctx, () -> list(ctx, false)));
    router.get("/api/articles/feed").handler(ctx -> guard(ctx, () -> list(ctx, true)));
    router.get("/api/articles/:slug").handler(ctx -> guard(ctx, () -> single(ctx)));
    router.get("/api/articles/:slug/comments").handler(ctx -> guard(ctx, () -> comments(ctx)));
    router.get("/api/profiles/:username").handler(ctx -> guard(ctx, () -> profile(ctx)));
    router
        .get("/api/tags")
        .handler(
            ctx ->
                guard(
                    ctx,
                    () ->
                        q(NaiveQueries.POPULAR_TAGS, Tuple.tuple())
                            .map(rs -> Map.of("tags", column(rs, "name")))));
  }

  private static void guard(RoutingContext ctx, Supplier<Future<Object>> handler) {
    Future<Object> f;
    try {
      f = handler.get();
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    if (f == null) {
      ctx.next(); // not a shape the naive paths cover
      return;
    }
    f.onSuccess(body -> Json.ok(ctx, body)).onFailure(ctx::fail);
  }

  private Future<Object> list(RoutingContext ctx, boolean feed) {
    if (ctx.queryParam("favorited").size() > 0) {
      return null;
    }
    Long viewer = feed ? Long.valueOf(Viewer.requireId(ctx)) : Viewer.id(ctx);
    int limit = intParam(ctx, "limit", 20);
    int offset = intParam(ctx, "offset", 0);
    String tag = first(ctx, "tag");
    String author = first(ctx, "author");
    String ids;
    String count;
    Tuple idArgs = Tuple.of(limit, offset);
    Tuple countArgs;
    if (feed) {
      ids = NaiveQueries.IDS_FEED;
      count = NaiveQueries.COUNT_FEED;
      idArgs.addLong(viewer);
      countArgs = Tuple.of(viewer);
    } else if (tag != null) {
      ids = NaiveQueries.IDS_BY_TAG;
      count = NaiveQueries.COUNT_BY_TAG;
      idArgs.addString(tag);
      countArgs = Tuple.of(tag);
    } else if (author != null) {
      ids = NaiveQueries.IDS_BY_AUTHOR;
      count = NaiveQueries.COUNT_BY_AUTHOR;
      idArgs.addString(author);
      countArgs = Tuple.of(author);
    } else {
      ids = NaiveQueries.IDS;
      count = NaiveQueries.COUNT;
      countArgs = Tuple.tuple();
    }
    List<Supplier<Future<Object>>> parts =
        List.of(
            () ->
                q(ids, idArgs)
                    .compose(rs -> articles(longs(rs, "id"), viewer, false))
                    .map(list -> (Object) list),
            () -> q(count, countArgs).map(rs -> (Object) rs.iterator().next().getLong("n")));
    return steps(parts).map(r -> Map.of("articles", r.get(0), "articlesCount", r.get(1)));
  }

  private Future<Object> single(RoutingContext ctx) {
    Long viewer = Viewer.id(ctx);
    return q(NaiveQueries.ID_BY_SLUG, Tuple.of(ctx.pathParam("slug")))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.failedFuture(
                    new ApiException.NotFound("article", ctx.pathParam("slug")));
              }
              return articles(longs(rs, "id"), viewer, true);
            })
        .map(list -> Map.of("article", list.get(0)));
  }

  private Future<Object> comments(RoutingContext ctx) {
    Long viewer = Viewer.id(ctx);
    int limit = intParam(ctx, "limit", 100);
    int offset = intParam(ctx, "offset", 0);
    return q(NaiveQueries.COMMENTS, Tuple.of(ctx.pathParam("slug"), limit, offset))
        .compose(
            rs -> {
              var rows = new ArrayList<Row>();
              rs.forEach(rows::add);
              var authors = new ArrayList<Long>();
              rows.forEach(r -> authors.add(r.getLong("author_id")));
              return profiles(authors, viewer)
                  .map(
                      byId -> {
                        var out = new ArrayList<Map<String, Object>>();
                        for (Row r : rows) {
                          var c = new LinkedHashMap<String, Object>();
                          c.put("id", r.getLong("id"));
                          c.put("createdAt", Timestamps.format(r.getOffsetDateTime("created_at")));
                          c.put("updatedAt", Timestamps.format(r.getOffsetDateTime("updated_at")));
                          c.put("body", r.getString("body"));
                          c.put("author", byId.get(r.getLong("author_id")));
                          out.add(c);
                        }
                        return (Object) Map.of("comments", out);
                      });
            });
  }

  private Future<Object> profile(RoutingContext ctx) {
    Long viewer = Viewer.id(ctx);
    return q(NaiveQueries.USER_BY_NAME, Tuple.of(ctx.pathParam("username")))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.failedFuture(
                    new ApiException.NotFound("profile", ctx.pathParam("username")));
              }
              Row u = rs.iterator().next();
              return following(viewer, u.getLong("id"))
                  .map(f -> (Object) Map.of("profile", profileJson(u, f)));
            });
  }

  /** The articles with these ids, in this order, as {@code viewer} sees them. */
  private Future<List<Map<String, Object>>> articles(List<Long> ids, Long viewer, boolean body) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    var all = batch ? articlesBatched(ids, viewer) : articlesOneByOne(ids, viewer);
    return body
        ? all
        : all.map(
            list -> {
              list.forEach(a -> a.remove("body"));
              return list;
            });
  }

  private Future<List<Map<String, Object>>> articlesOneByOne(List<Long> ids, Long viewer) {
    var perArticle = new ArrayList<Supplier<Future<Map<String, Object>>>>();
    for (long id : ids) {
      perArticle.add(
          () ->
              q(NaiveQueries.ARTICLE, Tuple.of(id))
                  .compose(
                      rs -> {
                        Row a = rs.iterator().next();
                        long author = a.getLong("author_id");
                        List<Supplier<Future<Object>>> parts =
                            List.of(
                                () ->
                                    q(NaiveQueries.USER, Tuple.of(author))
                                        .map(u -> (Object) u.iterator().next()),
                                () -> following(viewer, author).map(b -> (Object) b),
                                () -> favorited(viewer, id).map(b -> (Object) b),
                                () ->
                                    q(NaiveQueries.TAGS, Tuple.of(id))
                                        .map(t -> (Object) column(t, "name")));
                        return steps(parts)
                            .map(
                                r ->
                                    articleJson(
                                        a,
                                        profileJson((Row) r.get(0), (Boolean) r.get(1)),
                                        (Boolean) r.get(2),
                                        strings(r.get(3))));
                      }));
    }
    return steps(perArticle);
  }

  private Future<List<Map<String, Object>>> articlesBatched(List<Long> ids, Long viewer) {
    Long[] idArray = ids.toArray(Long[]::new);
    return q(NaiveQueries.ARTICLES, Tuple.of((Object) idArray))
        .compose(
            rs -> {
              var rows = new HashMap<Long, Row>();
              rs.forEach(r -> rows.put(r.getLong("id"), r));
              var authors = new ArrayList<Long>();
              rows.values().forEach(r -> authors.add(r.getLong("author_id")));
              List<Supplier<Future<Object>>> parts =
                  List.of(
                      () -> profiles(authors, viewer).map(m -> (Object) m),
                      () ->
                          viewer == null
                              ? Future.succeededFuture((Object) Set.of())
                              : q(NaiveQueries.FAVORITEDS, Tuple.of(viewer, (Object) idArray))
                                  .map(f -> (Object) new HashSet<>(longs(f, "id"))),
                      () ->
                          q(NaiveQueries.TAGS_OF, Tuple.of((Object) idArray))
                              .map(
                                  t -> {
                                    var tags = new HashMap<Long, List<String>>();
                                    for (Row r : t) {
                                      tags.computeIfAbsent(r.getLong("id"), k -> new ArrayList<>())
                                          .add(r.getString("name"));
                                    }
                                    return (Object) tags;
                                  }));
              return steps(parts)
                  .map(
                      r -> {
                        @SuppressWarnings("unchecked")
                        var profiles = (Map<Long, Map<String, Object>>) r.get(0);
                        @SuppressWarnings("unchecked")
                        var favorited = (Set<Long>) r.get(1);
                        @SuppressWarnings("unchecked")
                        var tags = (Map<Long, List<String>>) r.get(2);
                        var out = new ArrayList<Map<String, Object>>();
                        for (long id : ids) {
                          Row a = rows.get(id);
                          if (a != null) {
                            out.add(
                                articleJson(
                                    a,
                                    profiles.get(a.getLong("author_id")),
                                    favorited.contains(id),
                                    tags.getOrDefault(id, List.of())));
                          }
                        }
                        return out;
                      });
            });
  }

  /** Profiles by user id: one query per user, or one for all (batch). */
  private Future<Map<Long, Map<String, Object>>> profiles(List<Long> users, Long viewer) {
    var distinct = new ArrayList<>(new java.util.LinkedHashSet<>(users));
    if (distinct.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    if (!batch) {
      var each = new ArrayList<Supplier<Future<Map<String, Object>>>>();
      for (long u : distinct) {
        each.add(
            () ->
                q(NaiveQueries.USER, Tuple.of(u))
                    .compose(
                        rs -> following(viewer, u).map(f -> profileJson(rs.iterator().next(), f))));
      }
      return steps(each)
          .map(
              list -> {
                var out = new HashMap<Long, Map<String, Object>>();
                for (int i = 0; i < distinct.size(); i++) {
                  out.put(distinct.get(i), list.get(i));
                }
                return out;
              });
    }
    Long[] ids = distinct.toArray(Long[]::new);
    List<Supplier<Future<Object>>> parts =
        List.of(
            () -> q(NaiveQueries.USERS, Tuple.of((Object) ids)).map(rs -> (Object) rs),
            () ->
                viewer == null
                    ? Future.succeededFuture((Object) Set.of())
                    : q(NaiveQueries.FOLLOWINGS, Tuple.of(viewer, (Object) ids))
                        .map(rs -> (Object) new HashSet<>(longs(rs, "id"))));
    return steps(parts)
        .map(
            r -> {
              @SuppressWarnings("unchecked")
              var rs = (RowSet<Row>) r.get(0);
              @SuppressWarnings("unchecked")
              var followed = (Set<Long>) r.get(1);
              var out = new HashMap<Long, Map<String, Object>>();
              for (Row u : rs) {
                out.put(u.getLong("id"), profileJson(u, followed.contains(u.getLong("id"))));
              }
              return out;
            });
  }

  private Future<Boolean> following(Long viewer, long user) {
    return viewer == null
        ? Future.succeededFuture(false)
        : q(NaiveQueries.FOLLOWING, Tuple.of(viewer, user)).map(rs -> rs.size() > 0);
  }

  private Future<Boolean> favorited(Long viewer, long article) {
    return viewer == null
        ? Future.succeededFuture(false)
        : q(NaiveQueries.FAVORITED, Tuple.of(viewer, article)).map(rs -> rs.size() > 0);
  }

  /** Runs independent steps one after another, or all at once when parallel. */
  private <T> Future<List<T>> steps(List<Supplier<Future<T>>> parts) {
    if (parallel) {
      var started = new ArrayList<Future<T>>(parts.size());
      parts.forEach(p -> started.add(p.get()));
      return Future.all(started).map(cf -> cf.<T>list());
    }
    Future<List<T>> acc = Future.succeededFuture(new ArrayList<>(parts.size()));
    for (var p : parts) {
      acc =
          acc.compose(
              list ->
                  p.get()
                      .map(
                          v -> {
                            list.add(v);
                            return list;
                          }));
    }
    return acc;
  }

  private Future<RowSet<Row>> q(String sql, Tuple args) {
    return db.query(sql, args);
  }

  private static Map<String, Object> articleJson(
      Row a, Map<String, Object> author, boolean favorited, List<String> tags) {
    var m = new LinkedHashMap<String, Object>();
    m.put("slug", a.getString("slug"));
    m.put("title", a.getString("title"));
    m.put("description", a.getString("description"));
    m.put("body", a.getString("body"));
    m.put("tagList", tags);
    m.put("createdAt", Timestamps.format(a.getOffsetDateTime("created_at")));
    m.put("updatedAt", Timestamps.format(a.getOffsetDateTime("updated_at")));
    m.put("favorited", favorited);
    m.put("favoritesCount", a.getInteger("favorites_count"));
    m.put("author", author);
    return m;
  }

  private static Map<String, Object> profileJson(Row u, boolean following) {
    var m = new LinkedHashMap<String, Object>();
    m.put("username", u.getString("username"));
    m.put("bio", u.getString("bio"));
    m.put("image", u.getString("image"));
    m.put("following", following);
    return m;
  }

  private static List<Long> longs(RowSet<Row> rs, String column) {
    var out = new ArrayList<Long>(rs.size());
    rs.forEach(r -> out.add(r.getLong(column)));
    return out;
  }

  private static List<String> column(RowSet<Row> rs, String column) {
    var out = new ArrayList<String>(rs.size());
    rs.forEach(r -> out.add(r.getString(column)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    return (List<String>) o;
  }

  private static String first(RoutingContext ctx, String name) {
    var v = ctx.queryParam(name);
    return v.isEmpty() ? null : v.get(0);
  }

  private static int intParam(RoutingContext ctx, String name, int dflt) {
    String v = first(ctx, name);
    try {
      return v == null ? dflt : Math.max(0, Math.min(100, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
