package io.hotpath.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hotpath's whole configuration, read once from environment variables and immutable afterwards.
 *
 * <p>Every value is validated in {@link #fromEnv(Map)}; an invalid one stops start-up with a
 * {@link ConfigException} naming the key and the value. {@link #describe()} gives the effective
 * settings with secrets masked, for the start-up log.
 */
public record Config(
    String host,
    int port,
    Optional<String> databaseUrl,
    Path dataDir,
    int dbPoolSize,
    int dbPipeliningLimit,
    int dbMaxWaitQueue,
    Duration dbConnectTimeout,
    Optional<String> jwtSecret,
    Duration jwtTtl,
    int bcryptCost,
    int bodyLimitBytes,
    int maxPageSize,
    int maxOffset,
    int eventLoops,
    int cpuWorkers,
    boolean embeddedSynchronousCommit) {

  /** Reads and validates the configuration from the given environment. */
  public static Config fromEnv(Map<String, String> env) {
    var e = new Env(env);
    int cores = Runtime.getRuntime().availableProcessors();
    return new Config(
        e.string("HOST", "0.0.0.0"),
        e.integer("PORT", 8080, 0, 65535),
        e.optional("DATABASE_URL").map(Config::validDatabaseUrl),
        Path.of(e.string("DATA_DIR", "data")).toAbsolutePath(),
        e.integer("DB_POOL_SIZE", 8, 1, 1000),
        e.integer("DB_PIPELINING_LIMIT", 256, 1, 10_000),
        e.integer("DB_MAX_WAIT_QUEUE", 2048, -1, 1_000_000),
        Duration.ofMillis(e.integer("DB_CONNECT_TIMEOUT_MS", 5000, 1, 600_000)),
        e.optional("JWT_SECRET").map(Config::validSecret),
        Duration.ofHours(e.integer("JWT_TTL_HOURS", 24 * 7, 1, 24 * 366)),
        e.integer("BCRYPT_COST", 10, 4, 16),
        e.integer("BODY_LIMIT_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
        e.integer("PAGE_MAX_LIMIT", 100, 1, 10_000),
        e.integer("PAGE_MAX_OFFSET", 10_000, 0, 10_000_000),
        e.integer("EVENT_LOOPS", cores, 1, 256),
        e.integer("CPU_WORKERS", cores, 1, 256),
        e.bool("EMBEDDED_SYNCHRONOUS_COMMIT", true));
  }

  /** Returns a copy listening on another port (tests use 0 for a free port). */
  public Config withPort(int newPort) {
    return new Config(host, newPort, databaseUrl, dataDir, dbPoolSize, dbPipeliningLimit,
        dbMaxWaitQueue, dbConnectTimeout, jwtSecret, jwtTtl, bcryptCost, bodyLimitBytes,
        maxPageSize, maxOffset, eventLoops, cpuWorkers, embeddedSynchronousCommit);
  }

  /** Returns a copy that uses the given database URL instead of the embedded server. */
  public Config withDatabaseUrl(String url) {
    return new Config(host, port, Optional.of(validDatabaseUrl(url)), dataDir, dbPoolSize,
        dbPipeliningLimit, dbMaxWaitQueue, dbConnectTimeout, jwtSecret, jwtTtl, bcryptCost,
        bodyLimitBytes, maxPageSize, maxOffset, eventLoops, cpuWorkers, embeddedSynchronousCommit);
  }

  /** The effective settings as key/value pairs, secrets masked, in a stable order. */
  public Map<String, String> describe() {
    var m = new LinkedHashMap<String, String>();
    m.put("HOST", host);
    m.put("PORT", Integer.toString(port));
    m.put("DATABASE_URL", databaseUrl.map(Config::maskUrl).orElse("<embedded at " + dataDir + ">"));
    m.put("DB_POOL_SIZE", Integer.toString(dbPoolSize));
    m.put("DB_PIPELINING_LIMIT", Integer.toString(dbPipeliningLimit));
    m.put("DB_MAX_WAIT_QUEUE", Integer.toString(dbMaxWaitQueue));
    m.put("DB_CONNECT_TIMEOUT_MS", Long.toString(dbConnectTimeout.toMillis()));
    m.put("JWT_SECRET", jwtSecret.isPresent() ? "<masked>" : "<random per process>");
    m.put("JWT_TTL_HOURS", Long.toString(jwtTtl.toHours()));
    m.put("BCRYPT_COST", Integer.toString(bcryptCost));
    m.put("BODY_LIMIT_BYTES", Integer.toString(bodyLimitBytes));
    m.put("PAGE_MAX_LIMIT", Integer.toString(maxPageSize));
    m.put("PAGE_MAX_OFFSET", Integer.toString(maxOffset));
    m.put("EVENT_LOOPS", Integer.toString(eventLoops));
    m.put("CPU_WORKERS", Integer.toString(cpuWorkers));
    return m;
  }

  static String maskUrl(String url) {
    return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:<masked>@");
  }

  private static String validDatabaseUrl(String url) {
    if (!url.matches("^postgres(ql)?://.+")) {
      throw new ConfigException("DATABASE_URL", maskUrl(url), "expected postgresql://user:password@host:port/database");
    }
    return url;
  }

  private static String validSecret(String secret) {
    if (secret.length() < 32) {
      throw new ConfigException("JWT_SECRET", "<masked, " + secret.length() + " chars>", "at least 32 characters");
    }
    return secret;
  }
}
