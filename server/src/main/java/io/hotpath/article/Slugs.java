package io.hotpath.article;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** URL slugs from titles: lower-case letters and digits of any script, joined by dashes. */
final class Slugs {
  static final int MAX_LENGTH = 80;
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Slugs() {}

  /** The slug for a title ("How to Train Your Dragon!" becomes "how-to-train-your-dragon"). */
  static String of(String title) {
    var sb = new StringBuilder();
    boolean dash = false;
    int count = 0;
    for (int i = 0; i < title.length() && count < MAX_LENGTH; ) {
      int cp = title.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        sb.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
        dash = false;
        count++;
      } else if (!dash && sb.length() > 0) {
        sb.append('-');
        dash = true;
        count++;
      }
    }
    while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '-') {
      sb.setLength(sb.length() - 1);
    }
    return sb.length() == 0 ? "article" : sb.toString();
  }

  /** {@code base} with a random suffix, for when the plain slug is taken. */
  static String withSuffix(String base) {
    var r = ThreadLocalRandom.current();
    var sb = new StringBuilder(base).append('-');
    for (int i = 0; i < 6; i++) {
      sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }
}
