package io.hotpath.bench.naive;

import io.hotpath.Extension;
import io.hotpath.db.Sql;
import io.hotpath.db.StatementTarget;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark's naive profile, as an {@link Extension} of the product: a connection per request
 * instead of the pool (DB_POOL=off) and naive read paths in front of the real routes (NAIVE=on,
 * with NAIVE_BATCH and NAIVE_PARALLEL). The other practices the proof ablates are the product's own
 * switches (CACHE, COMPRESSION) or the database's (indexes, bench/naive-indexes.sql).
 */
public final class NaiveProfile implements Extension {
  /** The benchmark's switches, read from the environment. */
  public record Switches(boolean pool, boolean naive, boolean batch, boolean parallel) {
    /** The product as it ships: nothing naive. */
    public static final Switches NONE = new Switches(true, false, false, false);

    public static Switches fromEnv(Map<String, String> env) {
      return new Switches(
          flag(env, "DB_POOL", true),
          flag(env, "NAIVE", false),
          flag(env, "NAIVE_BATCH", false),
          flag(env, "NAIVE_PARALLEL", false));
    }

    public boolean any() {
      return !pool || naive;
    }

    private static boolean flag(Map<String, String> env, String key, boolean dflt) {
      String v = env.get(key);
      if (v == null || v.isBlank()) {
        return dflt;
      }
      return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default ->
            throw new IllegalArgumentException(
                "invalid setting " + key + "='" + v + "': true or false (on/off)");
      };
    }
  }

  private final Switches switches;
  private PerRequestConnections connections;

  public NaiveProfile(Switches switches) {
    this.switches = switches;
  }

  @Override
  public StatementTarget statements(Vertx vertx, PgConnectOptions options, StatementTarget pooled) {
    if (switches.pool()) {
      return pooled;
    }
    connections = new PerRequestConnections(vertx, options);
    return connections;
  }

  @Override
  public List<Consumer<Router>> routesBefore(Sql db) {
    var routes = new ArrayList<Consumer<Router>>();
    if (connections != null) {
      routes.add(connections.perRequest());
    }
    if (switches.naive()) {
      routes.add(new NaiveReads(db, switches.batch(), switches.parallel()));
    }
    return routes;
  }

  @Override
  public Map<String, String> describe() {
    var m = new LinkedHashMap<String, String>();
    m.put("DB_POOL", switches.pool() ? "on" : "off (a connection per request)");
    m.put(
        "NAIVE",
        switches.naive()
            ? "on (batch " + switches.batch() + ", parallel " + switches.parallel() + ")"
            : "off");
    return m;
  }
}
