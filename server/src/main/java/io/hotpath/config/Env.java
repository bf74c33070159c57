package io.hotpath.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads declared {@link Key}s from environment variables: blank means unset (the default), an
 * invalid value is a {@link ConfigException} naming the key and the value (masked when secret), and
 * every key read is remembered with its effective value for the start-up log.
 */
final class Env {
  private final Map<String, String> env;
  private final Map<String, String> effective = new LinkedHashMap<>();
  private final Map<String, Key<?>> keys = new LinkedHashMap<>();
  private final java.util.Set<String> given = new java.util.LinkedHashSet<>();

  Env(Map<String, String> env) {
    this.env = env;
  }

  <T> T get(Key<T> key) {
    if (keys.put(key.name(), key) != null) {
      throw new IllegalStateException("setting " + key.name() + " is declared twice");
    }
    String raw = env.get(key.name());
    T value;
    if (raw == null || raw.isBlank()) {
      value = key.dflt();
    } else {
      given.add(key.name());
      try {
        value = key.parse(raw.trim());
      } catch (IllegalArgumentException e) {
        String shown = key.isSecret() ? "<masked, " + raw.trim().length() + " chars>" : raw.trim();
        throw new ConfigException(key.name(), shown, e.getMessage());
      }
    }
    effective.put(key.name(), key.show(value));
    return value;
  }

  /** Every key read so far with its shown (masked) value, in reading order. */
  Map<String, String> effective() {
    return new LinkedHashMap<>(effective);
  }

  /** The keys read so far that the environment set (not blank). */
  java.util.Set<String> given() {
    return new java.util.LinkedHashSet<>(given);
  }

  /** Every key read so far. */
  Map<String, Key<?>> keys() {
    return new LinkedHashMap<>(keys);
  }
}
