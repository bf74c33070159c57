package io.hotpath.social;

/** A user's public fields, as cached: the same for every viewer. */
public record ProfileCore(long id, String username, String bio, String image) {

  /** This profile as seen by a viewer who does or does not follow it. */
  public ProfileView view(boolean following) {
    return new ProfileView(username, bio, image, following);
  }
}
