package io.hotpath.db;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Flyway migrations in {@code db/migration}: the schema's one source of truth, shared
 * by the server, the tests and the data generator. Blocking (JDBC): call off the event loop.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /** Brings the database at {@code jdbcUrl} up to the newest schema version. */
  public static void migrate(String jdbcUrl, String user, String password) {
    migrate(jdbcUrl, user, password, "db/migration");
  }

  /**
   * Brings the database at {@code jdbcUrl} up to the newest version of the schema in {@code
   * location} (a sharded deployment's directory and shards have their own: {@link Shards}).
   */
  static void migrate(String jdbcUrl, String user, String password, String location) {
    var result =
        Flyway.configure()
            .dataSource(jdbcUrl, user, password)
            .locations("classpath:" + location)
            .load()
            .migrate();
    LOG.info(
        "schema {} at version {} ({} migrations applied now)",
        location,
        result.targetSchemaVersion,
        result.migrationsExecuted);
  }
}
