package io.hotpath.dashboard;

import io.hotpath.db.Sql;
import io.hotpath.error.ApiException;
import io.hotpath.http.Json;
import io.hotpath.http.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code GET /api/dashboard}: the signed-in user's profile, latest articles, feed's first page,
 * unread notifications and follower counts, fetched in parallel (five statements in flight at once
 * on the pool). Each part has its own timeout; an optional part that fails or times out becomes
 * empty and is named in {@code degraded}, so the page still answers. Only the profile is required.
 */
public final class DashboardRoutes implements Consumer<Router> {
  private final Vertx vertx;
  private final DashboardRepository repo;
  private final Duration partTimeout;

  public DashboardRoutes(Vertx vertx, Sql sql, Duration partTimeout) {
    this.vertx = vertx;
    this.repo = new DashboardRepository(sql);
    this.partTimeout = partTimeout;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/dashboard")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              long me = Viewer.requireId(ctx);
              var degraded = new ArrayList<String>();
              var profile = part("profile", repo.profile(me), null, degraded);
              var latest = part("latestArticles", repo.latest(me), new JsonArray(), degraded);
              var feed = part("feed", repo.feed(me), new JsonArray(), degraded);
              var notes =
                  part(
                      "notifications",
                      repo.notifications(me),
                      new JsonObject().put("unreadCount", 0).put("latestTypes", new JsonArray()),
                      degraded);
              var counts =
                  part(
                      "counts",
                      repo.counts(me),
                      new JsonObject().put("followers", 0).put("following", 0),
                      degraded);
              Future.all(profile, latest, feed, notes, counts)
                  .onSuccess(
                      v -> {
                        if (profile.result() == null) {
                          ctx.fail(new ApiException.Unavailable("dashboard profile", null));
                          return;
                        }
                        Json.ok(
                            ctx,
                            new JsonObject()
                                .put(
                                    "dashboard",
                                    new JsonObject()
                                        .put("profile", profile.result())
                                        .put("latestArticles", latest.result())
                                        .put("feed", feed.result())
                                        .put("notifications", notes.result())
                                        .put("counts", counts.result())
                                        .put("degraded", new JsonArray(List.copyOf(degraded))))
                                .getMap());
                      })
                  .onFailure(ctx::fail);
            });
  }

  /**
   * {@code work} bounded by the part timeout; on failure or timeout, {@code fallback} and the part
   * is named degraded.
   */
  <T> Future<T> part(String name, Future<T> work, T fallback, List<String> degraded) {
    return withTimeout(vertx, work, partTimeout)
        .recover(
            t -> {
              if (t instanceof ApiException api && api.status() == 401) {
                return Future.failedFuture(t);
              }
              synchronized (degraded) {
                degraded.add(name);
              }
              return Future.succeededFuture(fallback);
            });
  }

  /** {@code work}, or a failure once {@code timeout} has passed without it completing. */
  static <T> Future<T> withTimeout(Vertx vertx, Future<T> work, Duration timeout) {
    Promise<T> p = Promise.promise();
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> p.tryFail("timed out after " + timeout.toMillis() + " ms"));
    work.onComplete(
        ar -> {
          vertx.cancelTimer(timer);
          if (ar.succeeded()) {
            p.tryComplete(ar.result());
          } else {
            p.tryFail(ar.cause());
          }
        });
    return p.future();
  }
}
