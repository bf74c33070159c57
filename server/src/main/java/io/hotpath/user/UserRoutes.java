package io.hotpath.user;

import io.hotpath.http.Input;
import io.hotpath.http.Json;
import io.hotpath.http.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Consumer;

/** HTTP for users: register, login, current user, update. Auth responses are never cached. */
public final class UserRoutes implements Consumer<Router> {
  private final UserService service;

  public UserRoutes(
      io.hotpath.db.Db db,
      PasswordHasher hasher,
      io.hotpath.auth.Tokens tokens,
      io.hotpath.auth.TokenVersions versions,
      io.hotpath.social.Profiles profiles,
      io.hotpath.jobs.JobQueue jobs) {
    this.service = new UserService(db, hasher, tokens, versions, profiles, jobs);
  }

  @Override
  public void accept(Router router) {
    router
        .post("/api/users")
        .handler(
            ctx -> {
              var in = Input.body(ctx, "user");
              reply(
                  ctx,
                  201,
                  service.register(
                      in.required("username", UserRules.USERNAME_MAX),
                      in.required("email", UserRules.EMAIL_MAX),
                      in.required("password", UserRules.PASSWORD_MAX)));
            });
    router
        .post("/api/users/login")
        .handler(
            ctx -> {
              var in = Input.body(ctx, "user");
              reply(
                  ctx,
                  200,
                  service.login(
                      in.required("email", UserRules.EMAIL_MAX),
                      in.required("password", UserRules.PASSWORD_MAX)));
            });
    router
        .get("/api/user")
        .handler(Viewer.required())
        .handler(ctx -> reply(ctx, 200, service.current(Viewer.requireId(ctx), Viewer.token(ctx))));
    router
        .put("/api/user")
        .handler(Viewer.required())
        .handler(
            ctx -> {
              var in = Input.body(ctx, "user");
              reply(
                  ctx,
                  200,
                  service.update(
                      Viewer.requireId(ctx),
                      Viewer.token(ctx),
                      Viewer.session(ctx),
                      in.patch("username", UserRules.USERNAME_MAX),
                      in.patch("email", UserRules.EMAIL_MAX),
                      in.patch("password", UserRules.PASSWORD_MAX),
                      in.patch("bio", UserRules.BIO_MAX, io.hotpath.http.TextRules.Kind.MULTILINE),
                      in.patch("image", UserRules.IMAGE_MAX)));
            });
  }

  private static void reply(RoutingContext ctx, int status, Future<UserView> user) {
    user.onSuccess(
            u -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              Json.send(ctx, status, Map.of("user", u));
            })
        .onFailure(ctx::fail);
  }
}
