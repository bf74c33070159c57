package io.hotpath.http;

import io.hotpath.error.ApiException;

/**
 * What text the API stores. Everywhere: well-formed UTF-16 (an unpaired surrogate would be turned
 * into '?' on its way to PostgreSQL, silently changing what was sent), and no NUL. Single-line
 * fields (titles, descriptions, tags, e-mails, URLs): no control characters at all (C0, DEL, C1)
 * and no bidirectional embeddings, overrides or isolates, which can make text display as something
 * other than what it is. Multi-line fields (article and comment bodies, bios) keep newlines,
 * carriage returns and tabs, and bidirectional controls, which right-to-left prose uses.
 */
public final class TextRules {
  /** The kind of field. */
  public enum Kind {
    LINE,
    MULTILINE
  }

  private TextRules() {}

  /** {@code v} if acceptable for a field of this kind; 422 naming {@code field} otherwise. */
  public static String check(String field, String v, Kind kind) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new ApiException.Invalid(field, "must be valid Unicode (unpaired surrogate)");
      }
      if (Character.isLowSurrogate(c)) {
        throw new ApiException.Invalid(field, "must be valid Unicode (unpaired surrogate)");
      }
      if (c == 0) {
        throw new ApiException.Invalid(field, "must not contain NUL characters");
      }
      if (Character.getType(c) == Character.CONTROL
          && !(kind == Kind.MULTILINE && (c == '\n' || c == '\r' || c == '\t'))) {
        throw new ApiException.Invalid(field, "must not contain control characters");
      }
      if (kind == Kind.LINE && isBidiControl(c)) {
        throw new ApiException.Invalid(field, "must not contain bidirectional control characters");
      }
    }
    return v;
  }

  /** Embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069). */
  static boolean isBidiControl(char c) {
    return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
  }
}
