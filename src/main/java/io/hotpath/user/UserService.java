package io.hotpath.user;

import io.hotpath.auth.Tokens;
import io.hotpath.db.UniqueViolation;
import io.hotpath.error.ApiException;
import io.hotpath.kernel.Patch;
import io.hotpath.social.Profiles;
import io.vertx.core.Future;

/** Registration, login and the signed-in user's own record. */
public final class UserService {
  private final UserRepository users;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final Profiles profiles;
  private final io.hotpath.db.Db db;
  private final io.hotpath.jobs.JobQueue jobs;

  UserService(
      io.hotpath.db.Db db,
      UserRepository users,
      PasswordHasher hasher,
      Tokens tokens,
      Profiles profiles,
      io.hotpath.jobs.JobQueue jobs) {
    this.db = db;
    this.jobs = jobs;
    this.users = users;
    this.hasher = hasher;
    this.tokens = tokens;
    this.profiles = profiles;
  }

  /** Creates a user; 409 when the username or e-mail is taken. */
  Future<UserView> register(String username, String email, String password) {
    String u = UserRules.username(username);
    String e = UserRules.email(email);
    String p = UserRules.password(password);
    return hasher
        .hash(p)
        // the welcome e-mail is queued in the registration's own transaction: no user, no mail
        .compose(
            hash ->
                db.inTransaction(
                    tx ->
                        UserRepository.insert(tx, u, e, hash)
                            .compose(
                                row ->
                                    jobs == null
                                        ? Future.succeededFuture(row)
                                        : jobs.enqueue(
                                                tx,
                                                io.hotpath.mail.WelcomeMail.KIND,
                                                new io.vertx.core.json.JsonObject()
                                                    .put("userId", row.id())
                                                    .put("email", row.email())
                                                    .put("username", row.username()),
                                                io.hotpath.http.RequestId.current())
                                            .map(row))))
        .recover(UserService::conflict)
        .compose(
            row ->
                (profiles == null
                        ? Future.<Void>succeededFuture()
                        : profiles.invalidateUsername(row.username()))
                    .map(v -> view(row, tokens.issue(row.id()))));
  }

  /** The user with these credentials and a fresh token; 401 "credentials invalid" otherwise. */
  Future<UserView> login(String email, String password) {
    return users
        .byEmail(email.trim())
        .compose(
            row ->
                hasher
                    .verify(password, row == null ? null : row.passwordHash())
                    .compose(
                        ok ->
                            ok
                                ? Future.succeededFuture(view(row, tokens.issue(row.id())))
                                : Future.failedFuture(
                                    new ApiException.Unauthorized("credentials", "invalid"))));
  }

  /** The signed-in user; 401 when the token's user no longer exists. */
  Future<UserView> current(long id, String token) {
    return users
        .byId(id)
        .compose(
            row ->
                row == null
                    ? Future.failedFuture(ApiException.Unauthorized.invalidToken())
                    : Future.succeededFuture(view(row, token)));
  }

  /** Applies a partial update to the signed-in user; 409 when a new username/e-mail is taken. */
  Future<UserView> update(
      long id,
      String token,
      Patch<String> username,
      Patch<String> email,
      Patch<String> password,
      Patch<String> bio,
      Patch<String> image) {
    String u = username.present() ? UserRules.username(username.value()) : null;
    String e = email.present() ? UserRules.email(email.value()) : null;
    String p = password.present() ? UserRules.password(password.value()) : null;
    Future<String> hash = p == null ? Future.succeededFuture(null) : hasher.hash(p);
    return hash.compose(
            h ->
                users.update(
                    id,
                    new UserChanges(
                        u,
                        e,
                        h,
                        bio.map(UserRules::blankToNull),
                        image.map(UserRules::blankToNull))))
        .recover(UserService::conflict)
        .compose(
            up -> {
              if (up == null) {
                return Future.failedFuture(ApiException.Unauthorized.invalidToken());
              }
              Future<Void> inv =
                  profiles == null
                      ? Future.succeededFuture()
                      : profiles.invalidateUser(
                          up.row().id(), up.oldUsername(), up.row().username());
              return inv.map(v -> view(up.row(), token));
            });
  }

  private static <T> Future<T> conflict(Throwable t) {
    return UniqueViolation.constraint(t)
        .<Future<T>>map(
            c ->
                Future.failedFuture(
                    new ApiException.Conflict(c.contains("email") ? "email" : "username")))
        .orElseGet(() -> Future.failedFuture(t));
  }

  private static UserView view(UserRow r, String token) {
    return new UserView(r.email(), token, r.username(), r.bio(), r.image());
  }
}
