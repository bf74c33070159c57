package io.hotpath.db;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The two ways repositories read a result: its first row (or none), or every row, mapped. */
public final class Rows {
  private Rows() {}

  /** The first row mapped by {@code f}, or null when there is none. */
  public static <T> T first(RowSet<Row> rs, Function<Row, T> f) {
    return rs.size() == 0 ? null : f.apply(rs.iterator().next());
  }

  /** Every row mapped by {@code f}, in order. */
  public static <T> List<T> all(RowSet<Row> rs, Function<Row, T> f) {
    var out = new ArrayList<T>(rs.size());
    for (Row r : rs) {
      out.add(f.apply(r));
    }
    return out;
  }
}
