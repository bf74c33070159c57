package io.hotpath.user;

/** A stored user, hash included; never sent to clients as is. */
record UserRow(
    long id,
    String username,
    String email,
    String bio,
    String image,
    String passwordHash,
    int tokenVersion) {}
