package io.hotpath.social;

import io.hotpath.http.Json;
import io.hotpath.http.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Consumer;

/** HTTP for profiles: get, follow, unfollow. */
public final class ProfileRoutes implements Consumer<Router> {
  private final ProfileService service;

  /** Routes over {@code db}; profile reads from {@code profiles} unless CACHE=off. */
  public ProfileRoutes(
      io.hotpath.db.Db db,
      Profiles profiles,
      io.hotpath.notify.Notifications notifications,
      boolean cachedReads) {
    this.service = new ProfileService(db, profiles, notifications, cachedReads);
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/profiles/:username")
        .handler(
            ctx ->
                service
                    .get(Viewer.id(ctx), ctx.pathParam("username"))
                    .onSuccess(answer -> Json.answer(ctx, answer))
                    .onFailure(ctx::fail));
    router
        .post("/api/profiles/:username/follow")
        .handler(Viewer.required())
        .handler(
            ctx -> reply(ctx, service.follow(Viewer.requireId(ctx), ctx.pathParam("username"))));
    router
        .delete("/api/profiles/:username/follow")
        .handler(Viewer.required())
        .handler(
            ctx -> reply(ctx, service.unfollow(Viewer.requireId(ctx), ctx.pathParam("username"))));
  }

  private static void reply(RoutingContext ctx, Future<ProfileView> profile) {
    profile.onSuccess(p -> Json.ok(ctx, Map.of("profile", p))).onFailure(ctx::fail);
  }
}
