package io.hotpath.user;

import io.hotpath.auth.TokenVersions;
import io.hotpath.auth.Tokens;
import io.hotpath.db.Db;
import io.hotpath.db.UniqueViolation;
import io.hotpath.error.ApiException;
import io.hotpath.jobs.JobQueue;
import io.hotpath.kernel.Patch;
import io.hotpath.mail.WelcomeMail;
import io.hotpath.social.Profiles;
import io.vertx.core.Future;

/** Registration, login and the signed-in user's own record. */
final class UserService {
  private final Db db;
  private final UserRepository users;
  private final PasswordHasher hasher;
  private final Tokens tokens;
  private final TokenVersions versions;
  private final Profiles profiles;
  private final JobQueue jobs;

  UserService(
      Db db,
      PasswordHasher hasher,
      Tokens tokens,
      TokenVersions versions,
      Profiles profiles,
      JobQueue jobs) {
    this.db = db;
    this.users = new UserRepository(db);
    this.hasher = hasher;
    this.tokens = tokens;
    this.versions = versions;
    this.profiles = profiles;
    this.jobs = jobs;
  }

  /** Creates a user; 409 when the username (by its key) or e-mail is taken. */
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
                                    WelcomeMail.enqueue(
                                            jobs, tx, row.id(), row.email(), row.username())
                                        .map(row))))
        .recover(UserService::conflict)
        .compose(
            row -> profiles.invalidateUsername(row.username()).map(v -> view(row, issue(row))));
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
                                ? Future.succeededFuture(view(row, issue(row)))
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

  /**
   * Applies a partial update to the signed-in user; 409 when a new username/e-mail is taken. A new
   * password revokes every earlier token except those of the caller's {@code session} ("sign out my
   * other sessions"); the answer carries a fresh token.
   */
  Future<UserView> update(
      long id,
      String token,
      String session,
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
                        image.map(UserRules::blankToNull),
                        session)))
        .recover(UserService::conflict)
        .compose(
            up -> {
              if (up == null) {
                return Future.failedFuture(ApiException.Unauthorized.invalidToken());
              }
              var row = up.row();
              Future<Void> revoked = p == null ? Future.succeededFuture() : versions.invalidate(id);
              return Future.all(
                      revoked, profiles.invalidateUser(row.id(), up.oldUsername(), row.username()))
                  .map(v -> view(row, p == null ? token : issue(row)));
            });
  }

  private String issue(UserRow row) {
    return tokens.issue(row.id(), row.tokenVersion());
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
