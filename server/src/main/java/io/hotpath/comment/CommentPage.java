package io.hotpath.comment;

import java.util.ArrayList;
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

  /**
   * This page once comment {@code c} (just committed) is added, as a load would now find it: the
   * same page when {@code c} is already in it or lies beyond what is kept (ids grow, so a comment
   * after the last kept one of a page with {@code more} is not among the first), else the page with
   * {@code c} in id order; null when what is kept would change otherwise (the page would exceed
   * {@code maxComments} or {@code maxChars} of bodies, or {@code c} falls inside a page cut short):
   * then only a load knows what to keep.
   */
  CommentPage with(CommentCore c, int maxComments, int maxChars) {
    int at = comments.size();
    long chars = c.body().length();
    for (int i = comments.size() - 1; i >= 0; i--) {
      long id = comments.get(i).id();
      if (id == c.id()) {
        return this;
      }
      if (id > c.id()) {
        at = i;
      }
    }
    if (more) {
      return at == comments.size() ? this : null;
    }
    for (CommentCore kept : comments) {
      chars += kept.body().length();
    }
    if (comments.size() >= maxComments || chars > maxChars) {
      return null;
    }
    var next = new ArrayList<CommentCore>(comments.size() + 1);
    next.addAll(comments.subList(0, at));
    next.add(c);
    next.addAll(comments.subList(at, comments.size()));
    return new CommentPage(List.copyOf(next), false);
  }

  /** The comments of page {@code (limit, offset)}; only when {@link #covers} it. */
  List<CommentCore> slice(int limit, int offset) {
    int from = Math.min(offset, comments.size());
    return comments.subList(from, (int) Math.min((long) from + limit, comments.size()));
  }
}
