package io.hotpath.kernel;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The API's timestamp format: UTC with exactly three fractional digits ({@code
 * 2026-01-01T00:00:00.000Z}).
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** Formats a database timestamp for the API (always millisecond precision, never dropped). */
  public static String format(OffsetDateTime t) {
    return FORMAT.format(t.toInstant());
  }
}
