package io.hotpath.article;

import io.hotpath.social.ProfileView;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An article's stored fields as cached: the same for every viewer (no flags, author by id); {@code
 * version} is the row's (bumped by PostgreSQL on every update, a favorite's count included), for
 * the HTTP validators.
 */
record ArticleCore(
    long id,
    String slug,
    String title,
    String description,
    String body,
    List<String> tagList,
    String createdAt,
    String updatedAt,
    int favoritesCount,
    long authorId,
    long version) {

  /**
   * The same article with {@code delta} more favorites, as a toggle of this instance just made it:
   * the toggle's own answer, and what the article cache keeps in place of the core the toggle read
   * ({@link ArticleCache#countMoved}). Its version is one no row has (negative, drawn at random),
   * so its answers get validators of their own: never one that a state of the row, cached under the
   * row's own next version here or on another instance, also has.
   */
  ArticleCore withFavorites(int delta) {
    return new ArticleCore(
        id,
        slug,
        title,
        description,
        body,
        tagList,
        createdAt,
        updatedAt,
        Math.max(0, favoritesCount + delta),
        authorId,
        -1 - ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
  }

  ArticleView view(boolean withBody, boolean favorited, ProfileView author) {
    return new ArticleView(
        slug,
        title,
        description,
        withBody ? body : null,
        null,
        tagList,
        createdAt,
        updatedAt,
        favorited,
        favoritesCount,
        author);
  }
}
