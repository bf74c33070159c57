package io.hotpath.social;

import io.hotpath.error.ApiException;
import io.hotpath.http.Answer;
import io.hotpath.http.Fingerprint;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Profiles and following. With caches ({@link Profiles}) a profile read costs no SQL when warm;
 * without them, one statement ({@link SocialRepository#PROFILE}).
 */
final class ProfileService {
  private final SocialRepository repo;
  private final Profiles profiles;
  private final io.hotpath.notify.Notifications notifications;
  private final boolean cachedReads;

  ProfileService(
      io.hotpath.db.Db db,
      Profiles profiles,
      io.hotpath.notify.Notifications notifications,
      boolean cachedReads) {
    this.cachedReads = cachedReads;
    this.repo = new SocialRepository(db);
    this.profiles = profiles;
    this.notifications = notifications;
  }

  /**
   * {@code {"profile": ...}} as {@code viewer} sees it, versioned by the user's row version and the
   * following flag when cached; 404 when no such user.
   */
  Future<Answer> get(Long viewer, String username) {
    if (!cachedReads) {
      return find(viewer, username).map(p -> Answer.of(Map.of("profile", p.view())));
    }
    return cachedId(username)
        .compose(
            id -> {
              var core = profiles.byIds(java.util.List.of(id));
              Future<Boolean> following =
                  viewer == null
                      ? Future.succeededFuture(false)
                      : profiles.following(viewer).map(s -> s.contains(id));
              return Future.all(core, following)
                  .compose(
                      v -> {
                        var p = core.result().get(id);
                        boolean f = following.result();
                        return p == null
                            ? Future.failedFuture(new ApiException.NotFound("profile", username))
                            : Future.succeededFuture(
                                Answer.versioned(
                                    Fingerprint.of(Fingerprint.Kind.PROFILE)
                                        .add(p.id())
                                        .add(p.version())
                                        .add(f),
                                    () -> Map.of("profile", p.view(f))));
                      });
            });
  }

  /** Makes {@code viewer} follow {@code username} (idempotent); 422 for oneself. */
  Future<ProfileView> follow(long viewer, String username) {
    return find(viewer, username)
        .compose(
            p -> {
              if (p.id() == viewer) {
                return Future.failedFuture(
                    new ApiException.Invalid("profile", "cannot follow yourself"));
              }
              // the new follower's notification is queued by the follow's own statement
              return repo.follow(notifications, viewer, p.id())
                  .compose(v -> invalidate(viewer))
                  .map(v -> withFollowing(p.view(), true));
            });
  }

  /** Makes {@code viewer} stop following {@code username} (idempotent). */
  Future<ProfileView> unfollow(long viewer, String username) {
    return find(viewer, username)
        .compose(
            p ->
                repo.unfollow(viewer, p.id())
                    .compose(v -> invalidate(viewer))
                    .map(v -> withFollowing(p.view(), false)));
  }

  private Future<Void> invalidate(long viewer) {
    return profiles.invalidateFollowing(viewer);
  }

  private Future<Long> cachedId(String username) {
    return profiles
        .idOf(username)
        .compose(
            id ->
                id.isEmpty()
                    ? Future.failedFuture(new ApiException.NotFound("profile", username))
                    : Future.succeededFuture(id.get()));
  }

  private Future<SocialRepository.Profile> find(Long viewer, String username) {
    return repo.profile(viewer, username)
        .compose(
            p ->
                p == null
                    ? Future.failedFuture(new ApiException.NotFound("profile", username))
                    : Future.succeededFuture(p));
  }

  private static ProfileView withFollowing(ProfileView v, boolean following) {
    return new ProfileView(v.username(), v.bio(), v.image(), following);
  }
}
