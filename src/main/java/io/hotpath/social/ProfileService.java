package io.hotpath.social;

import io.hotpath.error.ApiException;
import io.vertx.core.Future;

/** Profiles and following. */
final class ProfileService {
  private final SocialRepository repo;

  ProfileService(SocialRepository repo) {
    this.repo = repo;
  }

  /** The profile as {@code viewer} sees it; 404 when no such user. */
  Future<ProfileView> get(Long viewer, String username) {
    return find(viewer, username).map(SocialRepository.Profile::view);
  }

  /** Makes {@code viewer} follow {@code username} (idempotent); 422 for oneself. */
  Future<ProfileView> follow(long viewer, String username) {
    return find(viewer, username).compose(p -> {
      if (p.id() == viewer) {
        return Future.failedFuture(new ApiException.Invalid("profile", "cannot follow yourself"));
      }
      return repo.follow(viewer, p.id()).map(v -> withFollowing(p.view(), true));
    });
  }

  /** Makes {@code viewer} stop following {@code username} (idempotent). */
  Future<ProfileView> unfollow(long viewer, String username) {
    return find(viewer, username).compose(p -> repo.unfollow(viewer, p.id()).map(v -> withFollowing(p.view(), false)));
  }

  private Future<SocialRepository.Profile> find(Long viewer, String username) {
    return repo.profile(viewer, username).compose(p -> p == null
        ? Future.failedFuture(new ApiException.NotFound("profile", username))
        : Future.succeededFuture(p));
  }

  private static ProfileView withFollowing(ProfileView v, boolean following) {
    return new ProfileView(v.username(), v.bio(), v.image(), following);
  }
}
