package io.hotpath.config;

/** A setting is missing or invalid; the message names the key and the rejected value. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String key, String value, String expected) {
    super(
        "invalid setting "
            + key
            + "="
            + (value == null ? "<unset>" : "'" + value + "'")
            + ": "
            + expected);
  }
}
