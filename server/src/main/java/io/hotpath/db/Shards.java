package io.hotpath.db;

import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
    var shards = migrate(directory, shardUrls);
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
        if (index(srv) >= shards.size()) {
          throw new IllegalStateException(
              "SHARD_URLS names "
                  + shards.size()
                  + " shards but partitions are placed on "
                  + srv
                  + ": every shard that holds data must be configured");
        }
      }
      if (placed.isEmpty()) {
        for (int i = 0; i < shards.size(); i++) {
          try (var shard = connect(shards.get(i))) {
            for (int p = i; p < partitions; p += shards.size()) {
              call(shard, "SELECT hotpath_create_partition(?)", p);
              attach(dir, p, partitions, server(i));
            }
          }
        }
        LOG.info("placed {} partitions on {} shards", partitions, shards.size());
      }
      LOG.info("sharded: directory and {} shards, {} partitions", shards.size(), partitions);
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare the shards: " + e.getMessage(), e);
    }
    if (restartedSinceRepair(directory)) {
      repair(directory);
    }
  }

  /**
   * Whether the directory's server has started since the last repair: a crash between the two
   * commits restarts it, and a repair reads every shard, too much for every start of every
   * instance.
   */
  private static boolean restartedSinceRepair(PgConnectOptions directory) {
    try (var dir = connect(directory);
        var st = dir.createStatement();
        var rs =
            st.executeQuery(
                "SELECT pg_postmaster_start_time() IS DISTINCT FROM"
                    + " (SELECT postmaster_start FROM shard_repair_state)")) {
      rs.next();
      return rs.getBoolean(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the repair state: " + e.getMessage(), e);
    }
  }

  /**
   * Adds the shard at {@code newUrl} to a running deployment whose shards are {@code shardUrls}
   * (docs/sharding.md "Adding a shard"): migrates it, registers it as the next server and moves
   * partitions to it, one at a time and from the fullest shards, until it holds its share
   * (partitions / shards, rounded down). Servers keep serving throughout: each move copies the
   * partition while writes go on and stops writes to the content only for its switch. Returns the
   * partitions moved. Afterwards every server's SHARD_URLS must end with {@code newUrl}.
   */
  public static List<Moved> add(PgConnectOptions directory, List<String> shardUrls, String newUrl) {
    var all = new ArrayList<>(shardUrls);
    all.add(newUrl);
    var shards = migrate(directory, all);
    int fresh = shards.size() - 1;
    try (var dir = connect(directory)) {
      for (int i = 0; i < shards.size(); i++) {
        register(dir, server(i), shards.get(i));
      }
      var placed = placements(dir);
      int partitions = placed.size();
      var held = new int[shards.size()];
      placed.forEach(srv -> held[index(srv)]++);
      var moved = new ArrayList<Moved>();
      while (held[fresh] < partitions / shards.size()) {
        int from = 0;
        for (int i = 1; i < fresh; i++) {
          from = held[i] > held[from] ? i : from;
        }
        int p = placed.lastIndexOf(server(from));
        moved.add(move(dir, p, partitions, shards.get(from), shards.get(fresh), server(fresh)));
        placed.set(p, server(fresh));
        held[from]--;
        held[fresh]++;
      }
      LOG.info("shard {} added: moved partitions {}", server(fresh), moved);
      return moved;
    } catch (SQLException e) {
      throw new IllegalStateException("could not add the shard: " + e.getMessage(), e);
    }
  }

  /**
   * Moves partition p from shard {@code from} to shard {@code to} (registered as {@code toServer})
   * with logical replication, while the directory keeps serving:
   *
   * <ol>
   *   <li>the target gets empty tables for p and subscribes to a publication of them on the source,
   *       which copies the rows and then streams every later write;
   *   <li>when the copy is done, the directory locks the content tables against writes (reads go
   *       on), a mark is written on the source and, once it shows on the target, every write
   *       acknowledged before the lock is there; p's foreign tables are re-pointed to the target
   *       and the lock is released by the same commit;
   *   <li>the subscription, the publication and the source's copy are dropped.
   * </ol>
   *
   * A move abandoned before the switch leaves the directory as it was (run it again); the switch
   * retries when it cannot get its locks within LOCK_TIMEOUT (a long read, such as an export).
   */
  static Moved move(
      Connection dir, int p, int m, PgConnectOptions from, PgConnectOptions to, String toServer)
      throws SQLException {
    String name = "hotpath_move_p" + p;
    long started = System.nanoTime();
    try (var source = connect(from);
        var target = connect(to)) {
      // 1. empty tables on the target (a leftover of an abandoned move is dropped first)
      execute(target, "DROP SUBSCRIPTION IF EXISTS " + name);
      call(target, "SELECT hotpath_drop_partition(?)", p);
      call(target, "SELECT hotpath_create_partition(?)", p);
      execute(target, "DELETE FROM article_counts_p" + p); // its slots come from the source
      execute(source, "DROP PUBLICATION IF EXISTS " + name);
      execute(
          source,
          String.format(
              "CREATE PUBLICATION %1$s FOR TABLE articles_p%2$d, article_tags_p%2$d,"
                  + " favorites_p%2$d, comments_p%2$d, article_counts_p%2$d, hotpath_move_marks",
              name, p));
      execute(
          target,
          "CREATE SUBSCRIPTION "
              + name
              + " CONNECTION "
              + literal(conninfo(from))
              + " PUBLICATION "
              + name);
      awaitSynced(target, name);
      long copied = System.nanoTime();
      // 2. the switch
      switchTo(dir, source, target, p, m, toServer);
      long switched = System.nanoTime();
      // 3. what the move leaves behind
      execute(target, "DROP SUBSCRIPTION " + name);
      execute(source, "DROP PUBLICATION " + name);
      call(source, "SELECT hotpath_drop_partition(?)", p);
      execute(source, "DELETE FROM hotpath_move_marks");
      execute(target, "DELETE FROM hotpath_move_marks");
      var moved =
          new Moved(p, toServer, (copied - started) / 1_000_000, (switched - copied) / 1_000_000);
      LOG.info("{}", moved);
      return moved;
    }
  }

  /**
   * A partition moved to {@code server}: {@code copyMs} while everything kept serving, {@code
   * switchMs} while the content tables were locked (requests that touch them waited).
   */
  public record Moved(int partition, String server, long copyMs, long switchMs) {
    @Override
    public String toString() {
      return "partition "
          + partition
          + " moved to "
          + server
          + ": copied in "
          + copyMs
          + " ms, switched in "
          + switchMs
          + " ms";
    }
  }

  /**
   * What a directory crash can leave behind, mended (docs/sharding.md "What is atomic"). A write
   * that reaches a shard commits there first (postgres_fdw commits the shard's transaction in the
   * directory's pre-commit) and then in the directory, whose commit is the one the client is
   * answered after: a crash in between leaves an article on its shard with no directory entry (its
   * creation was refused: the article is deleted, with its tags' links, comments and favorites), a
   * directory entry whose article was deleted (the entry goes), and counters off (every author's
   * and tag's count is recounted). Idempotent. Run when a sharded server starts and the directory's
   * PostgreSQL has restarted since the last repair (a crash restarts it), and by {@code ./hotpath
   * shard repair}. It reads every shard (a full scan of the ids and tag links).
   */
  public static Repaired repair(PgConnectOptions directory) {
    try (var dir = connect(directory)) {
      dir.setAutoCommit(false);
      // one repair at a time (instances starting together would recount the same rows)
      execute(dir, "SELECT pg_advisory_xact_lock(hashtext('hotpath_shard_repair'))");
      int orphans =
          update(
              dir,
              """
              DELETE FROM articles a
              WHERE NOT EXISTS (SELECT 1 FROM article_directory d WHERE d.article_id = a.id)""");
      int dropped =
          update(
              dir,
              """
              DELETE FROM article_directory d
              WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.article_id)""");
      int authors =
          update(
              dir,
              """
              UPDATE users u SET articles_count = coalesce(c.n, 0)
              FROM users u2 LEFT JOIN (SELECT author_id, count(*) AS n FROM article_directory
                                       GROUP BY author_id) c ON c.author_id = u2.id
              WHERE u.id = u2.id AND u.articles_count <> coalesce(c.n, 0)""");
      int tags =
          update(
              dir,
              """
              UPDATE tags t SET article_count = coalesce(c.n, 0)
              FROM tags t2 LEFT JOIN (SELECT tag_id, count(*) AS n FROM article_tags
                                      GROUP BY tag_id) c ON c.tag_id = t2.id
              WHERE t.id = t2.id AND t.article_count <> coalesce(c.n, 0)""");
      update(
          dir,
          """
          INSERT INTO shard_repair_state (postmaster_start) VALUES (pg_postmaster_start_time())
          ON CONFLICT (one) DO UPDATE SET postmaster_start = EXCLUDED.postmaster_start""");
      dir.commit();
      var repaired = new Repaired(orphans, dropped, authors, tags);
      if (!repaired.nothing()) {
        LOG.warn("sharded directory repaired: {}", repaired);
      }
      return repaired;
    } catch (SQLException e) {
      throw new IllegalStateException("could not repair the directory: " + e.getMessage(), e);
    }
  }

  /**
   * What {@link #repair} changed: articles deleted from the shards (their creation was refused),
   * directory entries dropped (their article was deleted), counters recounted.
   */
  public record Repaired(int articlesDeleted, int entriesDropped, int authorCounts, int tagCounts) {
    boolean nothing() {
      return articlesDeleted + entriesDropped + authorCounts + tagCounts == 0;
    }
  }

  private static int update(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement()) {
      return st.executeUpdate(sql);
    }
  }

  private static final int SWITCH_ATTEMPTS = 20;

  private static void switchTo(
      Connection dir, Connection source, Connection target, int p, int m, String toServer)
      throws SQLException {
    for (int attempt = 1; ; attempt++) {
      dir.setAutoCommit(false);
      try {
        // The re-pointing needs ACCESS EXCLUSIVE: taken at once (an upgrade from a weaker lock
        // deadlocks with a statement that reads articles while it waits to write comments), and
        // with a short deadlock_timeout, so in any cycle this switch is the one that gives way
        // (and retries), never a client's write.
        execute(dir, "SET LOCAL lock_timeout = '2s'");
        execute(dir, "SET LOCAL deadlock_timeout = '20ms'");
        execute(
            dir,
            "LOCK TABLE articles, article_tags, favorites, comments, article_counts"
                + " IN ACCESS EXCLUSIVE MODE");
        String token = UUID.randomUUID().toString();
        try (var st =
            source.prepareStatement("INSERT INTO hotpath_move_marks (token) VALUES (?)")) {
          st.setString(1, token);
          st.execute();
        }
        awaitMark(target, token);
        try (var st = dir.prepareStatement("SELECT hotpath_move_partition(?, ?, ?)")) {
          st.setInt(1, p);
          st.setInt(2, m);
          st.setString(3, toServer);
          st.execute();
        }
        dir.commit();
        return;
      } catch (SQLException e) {
        dir.rollback();
        boolean contended = "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
        if (!contended || attempt == SWITCH_ATTEMPTS) {
          throw e;
        }
        LOG.info(
            "partition {}: switch attempt {} gave way ({}); again", p, attempt, e.getSQLState());
      } finally {
        dir.setAutoCommit(true);
      }
    }
  }

  private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** Waits until every table of the subscription is copied and streaming. */
  private static void awaitSynced(Connection target, String name) throws SQLException {
    await(
        target,
        "SELECT count(*) = 0 FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid"
            + " WHERE s.subname = '"
            + name
            + "' AND r.srsubstate <> 'r'",
        "the copy of " + name,
        WAIT_NANOS);
  }

  private static void awaitMark(Connection target, String token) throws SQLException {
    await(
        target,
        "SELECT EXISTS (SELECT 1 FROM hotpath_move_marks WHERE token = '" + token + "')",
        "the move mark",
        TimeUnit.SECONDS.toNanos(60));
  }

  /** Polls a boolean query until it answers true; fails naming {@code what} at the deadline. */
  private static void await(Connection c, String sql, String what, long nanos) throws SQLException {
    long deadline = System.nanoTime() + nanos;
    while (true) {
      try (var st = c.createStatement();
          var rs = st.executeQuery(sql)) {
        if (rs.next() && rs.getBoolean(1)) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "gave up waiting for " + what + " after " + nanos / 1_000_000 + " ms");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
  }

  /** Options of each URL, after migrating its shard and then the directory. */
  private static List<PgConnectOptions> migrate(PgConnectOptions directory, List<String> urls) {
    var shards = new ArrayList<PgConnectOptions>();
    for (String url : urls) {
      var o = PgConnectOptions.fromUri(url);
      shards.add(o);
      Migrations.migrate(Database.jdbcUrl(o), o.getUser(), o.getPassword(), "db/sharded/shard");
    }
    Migrations.migrate(
        Database.jdbcUrl(directory),
        directory.getUser(),
        directory.getPassword(),
        "db/sharded/directory");
    return shards;
  }

  private static int index(String server) {
    return Integer.parseInt(server.substring("shard_".length()));
  }

  private static void attach(Connection dir, int p, int m, String srv) throws SQLException {
    try (var st = dir.prepareStatement("SELECT hotpath_attach_partition(?, ?, ?)")) {
      st.setInt(1, p);
      st.setInt(2, m);
      st.setString(3, srv);
      st.execute();
    }
  }

  private static void call(Connection c, String sql, int p) throws SQLException {
    try (var st = c.prepareStatement(sql)) {
      st.setInt(1, p);
      st.execute();
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(sql);
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
   * Creates or re-points the foreign server for a shard, and the current user's mapping to it. The
   * directory connects to the shard with the URL's host and credentials.
   */
  private static void register(Connection dir, String name, PgConnectOptions shard)
      throws SQLException {
    // one transaction: servers serving meanwhile see the old mapping or the new, never none
    dir.setAutoCommit(false);
    try {
      registerIn(dir, name, shard);
      dir.commit();
    } catch (SQLException | RuntimeException e) {
      dir.rollback();
      throw e;
    } finally {
      dir.setAutoCommit(true);
    }
  }

  private static void registerIn(Connection dir, String name, PgConnectOptions shard)
      throws SQLException {
    boolean exists;
    try (var st = dir.prepareStatement("SELECT 1 FROM pg_foreign_server WHERE srvname = ?")) {
      st.setString(1, name);
      try (var rs = st.executeQuery()) {
        exists = rs.next();
      }
    }
    var where =
        List.of(
            "host " + literal(shard.getHost()),
            "port " + literal(Integer.toString(shard.getPort())),
            "dbname " + literal(shard.getDatabase()));
    if (exists) {
      execute(dir, "ALTER SERVER " + name + " OPTIONS (SET " + String.join(", SET ", where) + ")");
    } else {
      execute(
          dir,
          "CREATE SERVER "
              + name
              + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS ("
              + String.join(", ", where)
              + ", async_capable 'true', fetch_size '100')");
    }
    execute(dir, "DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER " + name);
    String password = shard.getPassword();
    execute(
        dir,
        "CREATE USER MAPPING FOR CURRENT_USER SERVER "
            + name
            + " OPTIONS (user "
            + literal(shard.getUser())
            + (password == null || password.isEmpty() ? "" : ", password " + literal(password))
            + ")");
  }

  /** A libpq connection string for a shard, as a subscription on another shard uses it. */
  private static String conninfo(PgConnectOptions o) {
    String password = o.getPassword();
    return "host="
        + quoted(o.getHost())
        + " port="
        + o.getPort()
        + " dbname="
        + quoted(o.getDatabase())
        + " user="
        + quoted(o.getUser())
        + (password == null || password.isEmpty() ? "" : " password=" + quoted(password));
  }

  private static String quoted(String v) {
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static Connection connect(PgConnectOptions o) throws SQLException {
    return DriverManager.getConnection(Database.jdbcUrl(o), o.getUser(), o.getPassword());
  }
}
