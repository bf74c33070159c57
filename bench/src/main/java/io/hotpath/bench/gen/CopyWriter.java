package io.hotpath.bench.gen;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/** Streams rows into one {@code COPY ... FROM STDIN} (text format) in 1 MiB chunks. */
final class CopyWriter implements AutoCloseable {
  private static final int FLUSH_AT = 1 << 20;
  private final CopyIn copy;
  private final StringBuilder buf = new StringBuilder(FLUSH_AT + 4096);
  private boolean first = true;
  private long rows;

  CopyWriter(CopyManager manager, String table, String columns) throws SQLException {
    this.copy = manager.copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
  }

  CopyWriter col(long v) {
    sep();
    buf.append(v);
    return this;
  }

  CopyWriter col(String v) {
    sep();
    if (v == null) {
      buf.append("\\N");
      return this;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> buf.append("\\\\");
        case '\n' -> buf.append("\\n");
        case '\r' -> buf.append("\\r");
        case '\t' -> buf.append("\\t");
        default -> buf.append(c);
      }
    }
    return this;
  }

  void endRow() throws SQLException {
    buf.append('\n');
    first = true;
    rows++;
    if (buf.length() >= FLUSH_AT) {
      flush();
    }
  }

  long rows() {
    return rows;
  }

  private void sep() {
    if (!first) {
      buf.append('\t');
    }
    first = false;
  }

  private void flush() throws SQLException {
    byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(bytes, 0, bytes.length);
    buf.setLength(0);
  }

  @Override
  public void close() throws SQLException {
    flush();
    copy.endCopy();
  }
}
