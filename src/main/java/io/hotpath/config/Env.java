package io.hotpath.config;

import java.util.Map;
import java.util.Optional;

/** Typed, validating reads of environment variables; every failure names the key and value. */
final class Env {
  private final Map<String, String> env;

  Env(Map<String, String> env) {
    this.env = env;
  }

  Optional<String> optional(String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  String string(String key, String dflt) {
    return optional(key).orElse(dflt);
  }

  int integer(String key, int dflt, int min, int max) {
    var raw = optional(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v < min || v > max) {
        throw new ConfigException(key, raw.get(), "an integer from " + min + " to " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw.get(), "an integer from " + min + " to " + max);
    }
  }

  boolean bool(String key, boolean dflt) {
    var raw = optional(key);
    if (raw.isEmpty()) {
      return dflt;
    }
    return switch (raw.get().toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key, raw.get(), "true or false");
    };
  }
}
