package io.hotpath.article;

import io.hotpath.social.ProfileView;
import java.util.List;

/** An article's stored fields as cached: the same for every viewer (no flags, author by id). */
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
    long authorId) {

  /** The same article with {@code delta} more favorites (a toggle just made). */
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
        authorId);
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
