package io.hotpath.user;

import io.hotpath.error.ApiException;

/** Field rules for users, shared by registration and update. */
final class UserRules {
  static final int USERNAME_MAX = Usernames.MAX;
  static final int EMAIL_MAX = 254;
  static final int PASSWORD_MIN = 8;
  static final int PASSWORD_MAX = 256;
  static final int BIO_MAX = 4000;
  static final int IMAGE_MAX = 2000;

  private UserRules() {}

  static String username(String v) {
    return Usernames.validate(v);
  }

  static String email(String v) {
    if (v == null || v.isBlank()) {
      throw new ApiException.Invalid("email", "can't be blank");
    }
    String e = v.trim();
    int at = e.indexOf('@');
    if (at <= 0
        || at != e.lastIndexOf('@')
        || at == e.length() - 1
        || e.chars().anyMatch(Character::isWhitespace)) {
      throw new ApiException.Invalid("email", "is invalid");
    }
    return e;
  }

  static String password(String v) {
    if (v == null || v.isEmpty()) {
      throw new ApiException.Invalid("password", "can't be blank");
    }
    if (v.codePointCount(0, v.length()) < PASSWORD_MIN) {
      throw new ApiException.Invalid(
          "password", "is too short (minimum is " + PASSWORD_MIN + " characters)");
    }
    return v;
  }

  /** Empty strings for nullable profile fields are stored as null (RealWorld rule). */
  static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v;
  }
}
