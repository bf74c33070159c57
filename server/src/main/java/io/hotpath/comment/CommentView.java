package io.hotpath.comment;

import io.hotpath.social.ProfileView;

/** A comment as the API returns it. */
public record CommentView(
    long id, String createdAt, String updatedAt, String body, ProfileView author) {}
