package io.hotpath.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Hotpath's whole configuration, read once from environment variables and immutable afterwards.
 *
 * <p>Every value is validated in {@link #fromEnv(Map)}; an invalid one stops start-up with a {@link
 * ConfigException} naming the key and the value. {@link #describe()} gives the effective settings
 * with secrets masked, for the start-up log.
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
    boolean embeddedSynchronousCommit,
    boolean cacheEnabled,
    Optional<String> redisUrl,
    Duration redisTimeout,
    long cacheL1MaxEntries,
    Duration cacheL1Ttl,
    Duration cacheTtl,
    Duration cacheNegativeTtl,
    boolean compression,
    int compressionMinBytes,
    int publicMaxAgeSeconds,
    boolean rateLimit,
    int rateLimitPerSecond,
    int rateLimitAuthPerMinute,
    int rateLimitLoginPerAccountPerMinute,
    Duration slowRequest,
    Duration slowQuery,
    Optional<String> otlpEndpoint,
    Duration shutdownDrain,
    boolean jobsEnabled,
    int jobsConcurrency,
    Duration jobsLease,
    int jobsMaxAttempts,
    Duration jobsBackoffBase,
    Duration jobsPoll,
    Optional<String> adminToken,
    Optional<String> smtpHost,
    int smtpPort,
    Optional<String> smtpUser,
    Optional<String> smtpPassword,
    String smtpFrom,
    boolean webhooksAllowPrivate,
    Duration webhookTimeout,
    int ioWorkers,
    Duration dashboardPartTimeout,
    Optional<String> databaseReplicaUrl,
    Duration replicaMaxLag,
    Duration replicaPoll,
    int maxInflight,
    Duration requestTimeout,
    int hashQueue,
    boolean trustProxy,
    boolean dbPool,
    boolean naive,
    boolean naiveBatch,
    boolean naiveParallel) {

  /** Reads and validates the configuration from the given environment. */
  public static Config fromEnv(Map<String, String> env) {
    var e = new Env(env);
    int cores = Runtime.getRuntime().availableProcessors();
    return new Config(
        e.string("HOST", "0.0.0.0"),
        e.integer("PORT", 8080, 0, 65535),
        e.optional("DATABASE_URL").map(u -> validDatabaseUrl("DATABASE_URL", u)),
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
        e.bool("EMBEDDED_SYNCHRONOUS_COMMIT", true),
        e.bool("CACHE", true),
        e.optional("REDIS_URL").map(Config::validRedisUrl),
        Duration.ofMillis(e.integer("REDIS_TIMEOUT_MS", 100, 1, 60_000)),
        e.integer("CACHE_L1_MAX_ENTRIES", 100_000, 0, 100_000_000),
        Duration.ofSeconds(e.integer("CACHE_L1_TTL_SECONDS", 60, 1, 86_400)),
        Duration.ofSeconds(e.integer("CACHE_TTL_SECONDS", 600, 1, 7 * 86_400)),
        Duration.ofSeconds(e.integer("CACHE_NEGATIVE_TTL_SECONDS", 5, 1, 3_600)),
        e.bool("COMPRESSION", true),
        e.integer("COMPRESSION_MIN_BYTES", 1024, 0, 100_000_000),
        e.integer("PUBLIC_MAX_AGE_SECONDS", 5, 0, 86_400),
        e.bool("RATE_LIMIT", true),
        e.integer("RATE_LIMIT_PER_SECOND", 200, 1, 1_000_000),
        e.integer("RATE_LIMIT_AUTH_PER_MINUTE", 60, 1, 1_000_000),
        e.integer("RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE", 10, 1, 1_000_000),
        Duration.ofMillis(e.integer("SLOW_REQUEST_MS", 500, 0, 3_600_000)),
        Duration.ofMillis(e.integer("SLOW_QUERY_MS", 100, 0, 3_600_000)),
        e.optional("OTEL_EXPORTER_OTLP_ENDPOINT").map(Config::validHttpUrl),
        Duration.ofMillis(e.integer("SHUTDOWN_DRAIN_MS", 1000, 0, 600_000)),
        e.bool("JOBS", true),
        e.integer("JOBS_CONCURRENCY", 4, 1, 1000),
        Duration.ofMillis(e.integer("JOBS_LEASE_MS", 60_000, 1000, 86_400_000)),
        e.integer("JOBS_MAX_ATTEMPTS", 8, 1, 100),
        Duration.ofMillis(e.integer("JOBS_BACKOFF_MS", 1000, 1, 3_600_000)),
        Duration.ofMillis(e.integer("JOBS_POLL_MS", 1000, 10, 600_000)),
        e.optional("ADMIN_TOKEN"),
        e.optional("SMTP_HOST"),
        e.integer("SMTP_PORT", 25, 1, 65535),
        e.optional("SMTP_USER"),
        e.optional("SMTP_PASSWORD"),
        e.string("SMTP_FROM", "Conduit <no-reply@conduit.local>"),
        e.bool("WEBHOOKS_ALLOW_PRIVATE", false),
        Duration.ofMillis(e.integer("WEBHOOK_TIMEOUT_MS", 5000, 1, 600_000)),
        e.integer("IO_WORKERS", 8, 1, 1000),
        Duration.ofMillis(e.integer("DASHBOARD_PART_TIMEOUT_MS", 500, 1, 600_000)),
        e.optional("DATABASE_REPLICA_URL").map(u -> validDatabaseUrl("DATABASE_REPLICA_URL", u)),
        Duration.ofMillis(e.integer("REPLICA_MAX_LAG_MS", 1000, 1, 3_600_000)),
        Duration.ofMillis(e.integer("REPLICA_POLL_MS", 100, 10, 60_000)),
        e.integer("MAX_INFLIGHT", 1024, 1, 1_000_000),
        Duration.ofMillis(e.integer("REQUEST_TIMEOUT_MS", 10_000, 1, 3_600_000)),
        e.integer("HASH_QUEUE", 8 * cores, 1, 1_000_000),
        e.bool("TRUST_PROXY", false),
        e.bool("DB_POOL", true),
        e.bool("NAIVE", false),
        e.bool("NAIVE_BATCH", false),
        e.bool("NAIVE_PARALLEL", false));
  }

  /** The effective settings as key/value pairs, secrets masked, in a stable order. */
  public Map<String, String> describe() {
    var m = new LinkedHashMap<String, String>();
    m.put("HOST", host);
    m.put("PORT", Integer.toString(port));
    m.put("DATABASE_URL", databaseUrl.map(Config::maskUrl).orElse("<embedded at " + dataDir + ">"));
    m.put(
        "DATABASE_REPLICA_URL",
        databaseReplicaUrl
            .map(u -> maskUrl(u) + ", max lag " + replicaMaxLag.toMillis() + " ms")
            .orElse("<none: all reads on the primary>"));
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
    m.put("CACHE", cacheEnabled ? "on" : "off");
    m.put("REDIS_URL", redisUrl.map(Config::maskUrl).orElse("<none: single node, L1 only>"));
    m.put("REDIS_TIMEOUT_MS", Long.toString(redisTimeout.toMillis()));
    m.put("CACHE_L1_MAX_ENTRIES", Long.toString(cacheL1MaxEntries));
    m.put("CACHE_L1_TTL_SECONDS", Long.toString(cacheL1Ttl.toSeconds()));
    m.put("CACHE_TTL_SECONDS", Long.toString(cacheTtl.toSeconds()));
    m.put("CACHE_NEGATIVE_TTL_SECONDS", Long.toString(cacheNegativeTtl.toSeconds()));
    m.put(
        "COMPRESSION",
        compression ? "on (gzip, brotli), above " + compressionMinBytes + " bytes" : "off");
    m.put("PUBLIC_MAX_AGE_SECONDS", Integer.toString(publicMaxAgeSeconds));
    m.put("SLOW_REQUEST_MS", Long.toString(slowRequest.toMillis()));
    m.put("SLOW_QUERY_MS", Long.toString(slowQuery.toMillis()));
    m.put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint.orElse("<none: tracing off>"));
    m.put("SHUTDOWN_DRAIN_MS", Long.toString(shutdownDrain.toMillis()));
    m.put(
        "JOBS",
        jobsEnabled
            ? jobsConcurrency
                + " at a time, lease "
                + jobsLease.toMillis()
                + " ms, "
                + jobsMaxAttempts
                + " attempts, backoff from "
                + jobsBackoffBase.toMillis()
                + " ms, poll "
                + jobsPoll.toMillis()
                + " ms"
            : "off");
    m.put("ADMIN_TOKEN", adminToken.isPresent() ? "<masked>" : "<none: admin API off>");
    m.put(
        "SMTP",
        smtpHost
            .map(h -> h + ":" + smtpPort + (smtpUser.isPresent() ? " as " + smtpUser.get() : ""))
            .orElse("<none: mail goes to " + dataDir.resolve("outbox") + ">"));
    m.put("WEBHOOKS_ALLOW_PRIVATE", Boolean.toString(webhooksAllowPrivate));
    m.put("IO_WORKERS", Integer.toString(ioWorkers));
    m.put("MAX_INFLIGHT", Integer.toString(maxInflight));
    m.put("REQUEST_TIMEOUT_MS", Long.toString(requestTimeout.toMillis()));
    m.put("HASH_QUEUE", Integer.toString(hashQueue));
    if (!dbPool || naive) {
      m.put(
          "BENCHMARK PROFILE",
          (dbPool ? "pool" : "connection per request")
              + (naive
                  ? ", naive reads (batch " + naiveBatch + ", parallel " + naiveParallel + ")"
                  : ""));
    }
    m.put("TRUST_PROXY", trustProxy ? "on (rate limits use X-Forwarded-For)" : "off");
    m.put(
        "RATE_LIMIT",
        rateLimit
            ? rateLimitPerSecond
                + "/s per client, "
                + rateLimitAuthPerMinute
                + "/min auth per client, "
                + rateLimitLoginPerAccountPerMinute
                + "/min login per account"
            : "off");
    return m;
  }

  static String maskUrl(String url) {
    return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:<masked>@");
  }

  private static String validDatabaseUrl(String key, String url) {
    if (!url.matches("^postgres(ql)?://.+")) {
      throw new ConfigException(
          key, maskUrl(url), "expected postgresql://user:password@host:port/database");
    }
    return url;
  }

  private static String validHttpUrl(String url) {
    if (!url.matches("^https?://.+")) {
      throw new ConfigException(
          "OTEL_EXPORTER_OTLP_ENDPOINT", url, "expected http(s)://host:port (OTLP over HTTP)");
    }
    return url;
  }

  private static String validRedisUrl(String url) {
    if (!url.matches("^rediss?://.+")) {
      throw new ConfigException(
          "REDIS_URL", maskUrl(url), "expected redis://[:password@]host:port[/db]");
    }
    return url;
  }

  private static String validSecret(String secret) {
    if (secret.length() < 32) {
      throw new ConfigException(
          "JWT_SECRET", "<masked, " + secret.length() + " chars>", "at least 32 characters");
    }
    return secret;
  }
}
