package io.hotpath.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default database: a real PostgreSQL 17 (zonky's binaries) whose data lives in a
 * local folder and survives restarts.
 *
 * <p>PostgreSQL refuses to run as root; zonky 2.2 handles that itself by starting initdb and pg_ctl
 * under {@code unshare -U} when it runs as root, so nothing special is needed here. Durability
 * differs from zonky's test-oriented default: synchronous_commit is on unless
 * EMBEDDED_SYNCHRONOUS_COMMIT=false.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private final EmbeddedPostgres pg;

  private EmbeddedPostgresServer(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  /** Starts (initialising on first use) the server whose data lives in {@code dataDir}. */
  public static EmbeddedPostgresServer start(Path dataDir, boolean synchronousCommit) {
    return start(dataDir, synchronousCommit, 0);
  }

  /** As {@link #start(Path, boolean)}, on a given port (0: any free port). */
  public static EmbeddedPostgresServer start(Path dataDir, boolean synchronousCommit, int port) {
    return start(dataDir, synchronousCommit, port, Map.of());
  }

  /**
   * As {@link #start(Path, boolean, int)}, with more server settings (a shard that partitions move
   * away from needs wal_level=logical).
   */
  public static EmbeddedPostgresServer start(
      Path dataDir, boolean synchronousCommit, int port, Map<String, String> settings) {
    try {
      Files.createDirectories(dataDir);
      var builder = EmbeddedPostgres.builder();
      settings.forEach(builder::setServerConfig);
      var pg =
          builder
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setServerConfig("synchronous_commit", synchronousCommit ? "on" : "off")
              .setServerConfig("max_connections", "300")
              .setServerConfig("shared_buffers", "512MB")
              .setServerConfig("work_mem", "16MB")
              .setServerConfig("maintenance_work_mem", "256MB")
              .setServerConfig("max_wal_size", "4GB")
              .setServerConfig("random_page_cost", "1.1")
              .setServerConfig("effective_cache_size", "4GB")
              .setServerConfig("jit", "off")
              .setServerConfig("shared_preload_libraries", "pg_stat_statements")
              .setServerConfig("pg_stat_statements.track", "top")
              .setLocaleConfig("locale", "C.UTF-8")
              .setPort(port)
              .start();
      LOG.info("embedded PostgreSQL on port {} with data in {}", pg.getPort(), dataDir);
      return new EmbeddedPostgresServer(pg);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start embedded PostgreSQL with data in " + dataDir, e);
    }
  }

  /** The TCP port it listens on (loopback). */
  public int port() {
    return pg.getPort();
  }

  /** A postgresql:// URL for the superuser's default database. */
  public String url() {
    return "postgresql://postgres@localhost:" + port() + "/postgres";
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
