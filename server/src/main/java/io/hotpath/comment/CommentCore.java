package io.hotpath.comment;

/**
 * A comment as cached: the same for every viewer. A comment is never edited, so its id names its
 * body and times for good; its author is resolved per answer through the profile cache.
 */
record CommentCore(long id, String body, String createdAt, String updatedAt, long authorId) {}
