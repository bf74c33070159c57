package io.hotpath.db;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a sharded deployment (docs/sharding.md) before the server opens its pool: the schema of
 * every shard and of the directory, each shard as a postgres_fdw foreign server of the directory,
 * and every content partition placed on a shard and attached to the directory's partitioned tables.
 * Afterwards Hotpath talks to the directory alone, with the SQL it uses on one database: routing is
 * PostgreSQL's (hash partitions by article id), so no feature computes a shard.
 *
 * <p>Placement is decided once, when the directory has none: partition p on shard p mod N. Later
 * starts keep the recorded placement (a moved partition stays where it was moved), and refuse a
 * configuration that cannot serve it (fewer shards than placed on, another partition count).
 * Blocking (JDBC): start-up only, off the event loop.
 */
public final class Shards {
  private static final Logger LOG = LoggerFactory.getLogger(Shards.class);

  private Shards() {}

  /** The foreign server name of shard {@code i} in the directory. */
  static String server(int i) {
    return "shard_" + i;
  }

  /**
   * Migrates the shards and the directory, registers the shards with the directory and places the
   * partitions not yet placed.
   */
  public static void prepare(PgConnectOptions directory, List<String> shardUrls, int partitions) {
    var shards = new ArrayList<PgConnectOptions>();
    for (String url : shardUrls) {
      var o = PgConnectOptions.fromUri(url);
      shards.add(o);
      Migrations.migrate(Database.jdbcUrl(o), o.getUser(), o.getPassword(), "db/sharded/shard");
    }
    Migrations.migrate(
        Database.jdbcUrl(directory),
        directory.getUser(),
        directory.getPassword(),
        "db/sharded/directory");
    try (var dir = connect(directory)) {
      for (int i = 0; i < shards.size(); i++) {
        register(dir, server(i), shards.get(i));
      }
      var placed = placements(dir);
      if (!placed.isEmpty() && placed.size() != partitions) {
        throw new IllegalStateException(
            "SHARD_PARTITIONS="
                + partitions
                + " but the directory holds "
                + placed.size()
                + " partitions: the count is fixed when they are first placed");
      }
      for (String srv : placed) {
        int i = Integer.parseInt(srv.substring("shard_".length()));
        if (i >= shards.size()) {
          throw new IllegalStateException(
              "SHARD_URLS names "
                  + shards.size()
                  + " shards but partitions are placed on "
                  + srv
                  + ": every shard that holds data must be configured");
        }
      }
      if (placed.isEmpty()) {
        for (int p = 0; p < partitions; p++) {
          int i = p % shards.size();
          try (var shard = connect(shards.get(i));
              var st = shard.prepareStatement("SELECT hotpath_create_partition(?)")) {
            st.setInt(1, p);
            st.execute();
          }
          try (var st = dir.prepareStatement("SELECT hotpath_attach_partition(?, ?, ?)")) {
            st.setInt(1, p);
            st.setInt(2, partitions);
            st.setString(3, server(i));
            st.execute();
          }
        }
        LOG.info("placed {} partitions on {} shards", partitions, shards.size());
      }
      LOG.info("sharded: directory and {} shards, {} partitions", shards.size(), partitions);
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare the shards: " + e.getMessage(), e);
    }
  }

  /** The server of every placed partition, in partition order. */
  private static List<String> placements(Connection dir) throws SQLException {
    var out = new ArrayList<String>();
    try (var st = dir.createStatement();
        var rs = st.executeQuery("SELECT server FROM shard_placements ORDER BY partition")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Creates (or re-points) the foreign server for a shard and the current user's mapping to it. The
   * directory connects to the shard with the URL's host and credentials.
   */
  private static void register(Connection dir, String name, PgConnectOptions shard)
      throws SQLException {
    boolean exists;
    try (var st = dir.prepareStatement("SELECT 1 FROM pg_foreign_server WHERE srvname = ?")) {
      st.setString(1, name);
      try (var rs = st.executeQuery()) {
        exists = rs.next();
      }
    }
    String opts =
        "host "
            + literal(shard.getHost())
            + ", port "
            + literal(Integer.toString(shard.getPort()))
            + ", dbname "
            + literal(shard.getDatabase());
    try (var st = dir.createStatement()) {
      if (exists) {
        st.execute(
            "ALTER SERVER "
                + name
                + " OPTIONS (SET host "
                + literal(shard.getHost())
                + ", SET port "
                + literal(Integer.toString(shard.getPort()))
                + ", SET dbname "
                + literal(shard.getDatabase())
                + ")");
      } else {
        st.execute(
            "CREATE SERVER "
                + name
                + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS ("
                + opts
                + ", async_capable 'true', fetch_size '100')");
      }
      st.execute("DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER " + name);
      String password = shard.getPassword();
      st.execute(
          "CREATE USER MAPPING FOR CURRENT_USER SERVER "
              + name
              + " OPTIONS (user "
              + literal(shard.getUser())
              + (password == null || password.isEmpty() ? "" : ", password " + literal(password))
              + ")");
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static Connection connect(PgConnectOptions o) throws SQLException {
    return DriverManager.getConnection(Database.jdbcUrl(o), o.getUser(), o.getPassword());
  }
}
