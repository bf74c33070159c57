package io.hotpath.user;

import io.hotpath.kernel.Patch;

/**
 * A validated partial update of a user: null username/email/hash mean "unchanged"; {@code session}
 * is the caller's token session, kept signed in when the password changes (may be null).
 */
record UserChanges(
    String username,
    String email,
    String passwordHash,
    Patch<String> bio,
    Patch<String> image,
    String session) {}
