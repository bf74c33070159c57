package io.hotpath.bench.gen;

import java.util.SplittableRandom;

/** Plausible English-ish text and Markdown bodies, deterministic for a given random source. */
final class Text {
  private static final String[] WORDS =
      ("the of and to in is you that it he was for on are as with his they at be this have from "
              + "or one had by word but not what all were we when your can said there use an each which she do how their if will up "
              + "other about out many then them these so some her would make like him into time has look two more write go see number "
              + "no way could people my than first water been call who oil its now find long down day did get come made may part "
              + "reactive latency throughput cache index query postgres vertx java database pool stream async event loop shard replica "
              + "benchmark profile metric histogram percentile queue worker thread memory heap garbage collector network packet socket")
          .split(" ");

  private Text() {}

  static String words(SplittableRandom r, int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    var sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  static String title(SplittableRandom r) {
    String w = words(r, 3, 8);
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  /** A Markdown body of roughly 300 to 1500 characters: headings, paragraphs, a list, some code. */
  static String markdown(SplittableRandom r) {
    var sb = new StringBuilder();
    sb.append("## ").append(title(r)).append("\n\n");
    int paragraphs = 1 + r.nextInt(4);
    for (int p = 0; p < paragraphs; p++) {
      sb.append(sentence(r))
          .append(' ')
          .append(sentence(r))
          .append(' ')
          .append("**")
          .append(words(r, 1, 3))
          .append("** ")
          .append(sentence(r))
          .append("\n\n");
    }
    if (r.nextInt(3) == 0) {
      for (int i = 0; i < 3; i++) {
        sb.append("- ").append(words(r, 2, 6)).append('\n');
      }
      sb.append('\n');
    }
    if (r.nextInt(4) == 0) {
      sb.append("```java\nvar x = ").append(r.nextInt(1000)).append(";\n```\n");
    }
    return sb.toString();
  }

  static String sentence(SplittableRandom r) {
    String w = words(r, 6, 16);
    return Character.toUpperCase(w.charAt(0)) + w.substring(1) + ".";
  }
}
