package io.hotpath;

import io.hotpath.db.Sql;
import io.hotpath.db.StatementTarget;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one seam through which something built on Hotpath changes how it runs: the benchmark module's
 * naive profile (hotpath-bench) is the only implementation. The product itself always runs with
 * {@link #NONE}; nothing in the product knows an implementation.
 *
 * <p>Two things can be changed, both measured by the proof benchmark: how single statements reach
 * PostgreSQL (a connection per request instead of the pool), and routes mounted in front of the
 * product's own (naive read paths that answer a request or pass it on).
 */
public interface Extension {
  /** The product as it ships. */
  Extension NONE = new Extension() {};

  /** Where single statements run; {@code pooled} (the default) runs them on the pool. */
  default StatementTarget statements(
      Vertx vertx, PgConnectOptions options, StatementTarget pooled) {
    return pooled;
  }

  /** Routes mounted before the product's (after its common handlers: ids, admission, auth). */
  default List<Consumer<Router>> routesBefore(Sql db) {
    return List.of();
  }

  /** This extension's settings, for the start-up log. */
  default Map<String, String> describe() {
    return Map.of();
  }
}
