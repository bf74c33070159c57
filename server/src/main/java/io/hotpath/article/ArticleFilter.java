package io.hotpath.article;

/** The list filters of {@code GET /api/articles}; null means "not filtered by this". */
record ArticleFilter(String tag, String author, String favorited) {
  boolean none() {
    return tag == null && author == null && favorited == null;
  }
}
