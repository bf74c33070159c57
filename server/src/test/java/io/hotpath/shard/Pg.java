package io.hotpath.shard;

import io.hotpath.Hotpath;
import io.hotpath.TestServer;
import io.hotpath.db.EmbeddedPostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The shard tests' servers: a sharded Hotpath on embedded PostgreSQL, and SQL run on each. */
final class Pg {
  private Pg() {}

  /** Hotpath with its directory and shards, in {@code partitions} partitions. */
  static Hotpath sharded(
      EmbeddedPostgresServer directory, List<EmbeddedPostgresServer> shards, int partitions) {
    return Hotpath.start(
        TestServer.config(
            Map.of(
                "DATABASE_URL",
                directory.url(),
                "SHARD_URLS",
                shards.stream().map(EmbeddedPostgresServer::url).collect(Collectors.joining(",")),
                "SHARD_PARTITIONS",
                Integer.toString(partitions))));
  }

  static Connection connect(EmbeddedPostgresServer pg) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + pg.port() + "/postgres", "postgres", null);
  }

  /** The first column of the first row, as a long (a count, an id). */
  static long one(EmbeddedPostgresServer pg, String sql) throws SQLException {
    try (var c = connect(pg);
        var rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void execute(EmbeddedPostgresServer pg, String sql) throws SQLException {
    try (var c = connect(pg)) {
      c.createStatement().execute(sql);
    }
  }

  static boolean exists(EmbeddedPostgresServer pg, String table) throws SQLException {
    return one(pg, "SELECT (to_regclass('public." + table + "') IS NOT NULL)::int") == 1;
  }

  /** Every value of {@code column} in every partition of {@code table} on the server, counted. */
  static Map<String, Integer> values(EmbeddedPostgresServer pg, String table, String column)
      throws SQLException {
    var out = new HashMap<String, Integer>();
    try (var c = connect(pg)) {
      var tables = new ArrayList<String>();
      try (var rs =
          c.createStatement()
              .executeQuery(
                  "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                      + " AND tablename ~ '^"
                      + table
                      + "_p[0-9]+$'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (var rs = c.createStatement().executeQuery("SELECT " + column + " FROM " + t)) {
          while (rs.next()) {
            out.merge(rs.getString(1), 1, Integer::sum);
          }
        }
      }
    }
    return out;
  }
}
