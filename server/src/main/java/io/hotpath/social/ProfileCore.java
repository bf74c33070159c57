package io.hotpath.social;

/**
 * A user's public fields, as cached: the same for every viewer; {@code version} is the row's
 * (bumped by PostgreSQL on every update), for the HTTP validators.
 */
public record ProfileCore(long id, String username, String bio, String image, long version) {

  /** This profile as seen by a viewer who does or does not follow it. */
  public ProfileView view(boolean following) {
    return new ProfileView(username, bio, image, following);
  }
}
