package io.hotpath.config;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting, declared once: its environment variable, default, validation, how the start-up log
 * shows it (secrets masked) and the line the README's settings table gives it.
 *
 * @param <T> the parsed type
 */
public final class Key<T> {
  /** Turns the raw text into a value, or throws with what was expected. */
  interface Parser<T> {
    T parse(String raw);
  }

  private final String name;
  private final T dflt;
  private final Parser<T> parser;
  private final Function<T, String> show;
  private final String doc;
  private final boolean secret;

  private Key(
      String name, T dflt, Parser<T> parser, Function<T, String> show, String doc, boolean secret) {
    this.name = name;
    this.dflt = dflt;
    this.parser = parser;
    this.show = show;
    this.doc = doc;
    this.secret = secret;
  }

  private Key(String name, T dflt, Parser<T> parser, Function<T, String> show, String doc) {
    this(name, dflt, parser, show, doc, false);
  }

  /** Whether its value is never shown (logs, error messages). */
  boolean isSecret() {
    return secret;
  }

  /** The environment variable. */
  public String name() {
    return name;
  }

  /** What the setting means, one line (the README table's "meaning" column). */
  public String doc() {
    return doc;
  }

  T dflt() {
    return dflt;
  }

  /** The default as the start-up log shows it. */
  public String defaultText() {
    return show.apply(dflt);
  }

  T parse(String raw) {
    return parser.parse(raw);
  }

  String show(T value) {
    return show.apply(value);
  }

  /** The same key, shown as {@code <masked>} (or its absence) in the start-up log. */
  Key<T> secret() {
    return new Key<>(
        name,
        dflt,
        parser,
        v -> v instanceof Optional<?> o && o.isEmpty() ? "<unset>" : "<masked>",
        doc,
        true);
  }

  /** The same key, shown through {@code show}. */
  Key<T> shownAs(Function<T, String> show) {
    return new Key<>(name, dflt, parser, show, doc, secret);
  }

  static Key<Integer> integer(String name, int dflt, int min, int max, String doc) {
    return new Key<>(
        name,
        dflt,
        raw -> {
          int v;
          try {
            v = Integer.parseInt(raw);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an integer from " + min + " to " + max);
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException("an integer from " + min + " to " + max);
          }
          return v;
        },
        String::valueOf,
        doc);
  }

  static Key<Duration> millis(String name, long dflt, long min, long max, String doc) {
    return duration(name, Duration.ofMillis(dflt), min, max, Duration::ofMillis, "ms", doc);
  }

  static Key<Duration> seconds(String name, long dflt, long min, long max, String doc) {
    return duration(name, Duration.ofSeconds(dflt), min, max, Duration::ofSeconds, "s", doc);
  }

  static Key<Duration> hours(String name, long dflt, long min, long max, String doc) {
    return duration(name, Duration.ofHours(dflt), min, max, Duration::ofHours, "h", doc);
  }

  private static Key<Duration> duration(
      String name,
      Duration dflt,
      long min,
      long max,
      Function<Long, Duration> unit,
      String suffix,
      String doc) {
    Key<Integer> n = integer(name, 0, (int) min, (int) Math.min(Integer.MAX_VALUE, max), doc);
    return new Key<>(
        name,
        dflt,
        raw -> unit.apply((long) n.parse(raw)),
        d ->
            (switch (suffix) {
                  case "ms" -> d.toMillis();
                  case "h" -> d.toHours();
                  default -> d.toSeconds();
                })
                + " "
                + suffix,
        doc);
  }

  static Key<Boolean> flag(String name, boolean dflt, String doc) {
    return new Key<>(
        name,
        dflt,
        raw ->
            switch (raw.toLowerCase(java.util.Locale.ROOT)) {
              case "true", "1", "yes", "on" -> true;
              case "false", "0", "no", "off" -> false;
              default -> throw new IllegalArgumentException("true or false (on/off)");
            },
        v -> v ? "on" : "off",
        doc);
  }

  static Key<String> text(String name, String dflt, String doc) {
    return new Key<>(name, dflt, raw -> raw, v -> v, doc);
  }

  /** One of {@code allowed} (lower-cased). */
  static Key<String> choice(String name, String dflt, java.util.List<String> allowed, String doc) {
    return new Key<>(
        name,
        dflt,
        raw -> {
          String v = raw.toLowerCase(java.util.Locale.ROOT);
          if (!allowed.contains(v)) {
            throw new IllegalArgumentException("one of " + String.join(", ", allowed));
          }
          return v;
        },
        v -> v,
        doc);
  }

  /** An optional value; {@code valid} says whether a present one is acceptable. */
  static Key<Optional<String>> optional(
      String name, Predicate<String> valid, String expected, String doc) {
    return new Key<>(
        name,
        Optional.empty(),
        raw -> {
          if (!valid.test(raw)) {
            throw new IllegalArgumentException(expected);
          }
          return Optional.of(raw);
        },
        v -> v.orElse("<unset>"),
        doc);
  }
}
