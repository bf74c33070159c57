package io.hotpath.ops;

import ch.qos.logback.core.PropertyDefinerBase;
import java.io.Console;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Which console appender logback uses: {@code LOG_FORMAT=json} or {@code text} as asked, and for
 * {@code auto} (the default) text when standard output is a terminal (a person reads it) and JSON
 * otherwise (a collector reads it). Logback asks this while it configures itself, before the typed
 * config exists, so it reads the same variable the config declares ({@code Config.Ops}) and falls
 * back to JSON for a value the config will then refuse at start-up.
 */
public final class LogFormat extends PropertyDefinerBase {
  @Override
  public String getPropertyValue() {
    return resolve(System.getenv("LOG_FORMAT"), stdoutIsTerminal());
  }

  /** The appender name for the variable's {@code value} (null when unset). */
  static String resolve(String value, boolean terminal) {
    String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "text" -> "text";
      case "auto" -> terminal ? "text" : "json";
      default -> "json";
    };
  }

  /**
   * Whether standard output is a terminal. Before JDK 22 {@code System.console()} is null unless
   * both streams are; from JDK 22 it is never null and {@code Console.isTerminal()} (called
   * reflectively: the code is compiled for Java 21) says it.
   */
  public static boolean stdoutIsTerminal() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only for a terminal
    }
  }
}
