package io.hotpath.comment;

import java.util.List;

/**
 * The first comments of one article, oldest first, as cached ({@link CommentCache#KEPT} at most);
 * {@code more}: the article has comments beyond them.
 */
record CommentPage(List<CommentCore> comments, boolean more) {
  /** Whether the page {@code (limit, offset)} lies within what is kept. */
  boolean covers(int limit, int offset) {
    return !more || (long) offset + limit <= comments.size();
  }

  /** The comments of page {@code (limit, offset)}; only when {@link #covers} it. */
  List<CommentCore> slice(int limit, int offset) {
    int from = Math.min(offset, comments.size());
    return comments.subList(from, (int) Math.min((long) from + limit, comments.size()));
  }
}
