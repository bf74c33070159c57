package io.hotpath.user;

import io.hotpath.kernel.Patch;

/** A validated partial update of a user: null username/email/hash mean "unchanged". */
record UserChanges(
    String username, String email, String passwordHash, Patch<String> bio, Patch<String> image) {}
