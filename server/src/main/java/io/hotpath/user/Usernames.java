package io.hotpath.user;

import io.hotpath.error.ApiException;
import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a username may be, and when two are the same. A username is unique by its {@link #key}:
 * compatibility-normalised (NFKC: fullwidth and other compatibility forms fold to their plain
 * letters), case-folded, without combining marks. A username is refused when it carries something a
 * reader cannot see or tell apart: spaces of any kind, control and format characters (zero-width
 * space and joiner, bidirectional overrides, word joiners), private-use or unassigned code points,
 * or letters from scripts that do not belong together (a Cyrillic "а" among Latin letters), after
 * UTS #39's "highly restrictive" level (one script, or Latin with the Han-based combinations of
 * Japanese, Chinese and Korean).
 *
 * <p>Written on the JDK's own Unicode tables: ICU4J's SpoofChecker would add whole-script
 * confusable detection (a name entirely in Cyrillic that looks Latin) for 14 MB of jar, a trade
 * docs/security.md states.
 */
public final class Usernames {
  static final int MAX = 64;

  private static final List<Set<UnicodeScript>> ALLOWED_MIXES =
      List.of(
          EnumSet.of(
              UnicodeScript.LATIN,
              UnicodeScript.HAN,
              UnicodeScript.HIRAGANA,
              UnicodeScript.KATAKANA),
          EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.BOPOMOFO),
          EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HANGUL));

  private Usernames() {}

  /** The form two usernames are compared in: equal keys are the same username. */
  public static String key(String username) {
    String decomposed = Normalizer.normalize(username, Normalizer.Form.NFKD);
    var sb = new StringBuilder(decomposed.length());
    decomposed
        .codePoints()
        .filter(
            cp -> {
              int t = Character.getType(cp);
              return t != Character.NON_SPACING_MARK
                  && t != Character.ENCLOSING_MARK
                  && t != Character.COMBINING_SPACING_MARK;
            })
        .forEach(sb::appendCodePoint);
    // upper then lower folds what toLowerCase alone keeps apart (ß and SS, final sigma)
    String folded = sb.toString().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  /** {@code v} if it is an acceptable username; 422 naming what is wrong otherwise. */
  static String validate(String v) {
    if (v == null || v.isBlank()) {
      throw new ApiException.Invalid("username", "can't be blank");
    }
    var scripts = EnumSet.noneOf(UnicodeScript.class);
    for (int i = 0; i < v.length(); ) {
      int cp = v.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '/' || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        throw new ApiException.Invalid("username", "must not contain spaces or slashes");
      }
      switch (Character.getType(cp)) {
        case Character.CONTROL,
            Character.FORMAT,
            Character.PRIVATE_USE,
            Character.SURROGATE,
            Character.UNASSIGNED ->
            throw new ApiException.Invalid(
                "username", "must not contain invisible, control or unassigned characters");
        default -> {}
      }
      var script = UnicodeScript.of(cp);
      if (script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED) {
        scripts.add(script);
      }
    }
    if (scripts.size() > 1 && ALLOWED_MIXES.stream().noneMatch(m -> m.containsAll(scripts))) {
      throw new ApiException.Invalid("username", "must be written in one script");
    }
    if (key(v).isBlank()) {
      throw new ApiException.Invalid("username", "can't be blank");
    }
    return v;
  }
}
