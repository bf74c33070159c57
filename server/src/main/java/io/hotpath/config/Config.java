package io.hotpath.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hotpath's whole configuration: a tree of small records, read once from environment variables and
 * immutable afterwards. Every setting is a {@link Key} declared exactly once below, with its
 * default, validation and doc line; {@link #fromEnv} reads each group, an invalid value stops
 * start-up with a {@link ConfigException} naming the key and the value, and {@link #describe()}
 * gives every key's effective value (secrets masked) for the start-up log. The README's settings
 * table is checked against {@link #keys()} by a test.
 */
public record Config(
    Http http,
    Db db,
    Replica replica,
    Auth auth,
    Cache cache,
    Limits limits,
    Jobs jobs,
    Mail mail,
    Webhooks webhooks,
    Exports exports,
    Ops ops,
    Map<String, String> describe,
    java.util.Set<String> given,
    List<Key<?>> keys) {

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /**
   * Settings that no longer exist, and what replaced them: set, they stop start-up rather than be
   * silently ignored.
   */
  static final Map<String, String> RETIRED =
      Map.of(
          "PUBLIC_MAX_AGE_SECONDS",
          "replaced by SHARED_MAX_AGE_SECONDS: anonymous GETs are now revalidated by browsers on"
              + " every use (max-age=0) and only shared caches may reuse them for a while");

  /** Reads and validates the configuration from the given environment. */
  public static Config fromEnv(Map<String, String> env) {
    RETIRED.forEach(
        (key, why) -> {
          String v = env.get(key);
          if (v != null && !v.isBlank()) {
            throw new ConfigException(key, v.trim(), why);
          }
        });
    var e = new Env(env);
    var config =
        new Config(
            Http.read(e),
            Db.read(e),
            Replica.read(e),
            Auth.read(e),
            Cache.read(e),
            Limits.read(e),
            Jobs.read(e),
            Mail.read(e),
            Webhooks.read(e),
            Exports.read(e),
            Ops.read(e),
            Map.of(),
            java.util.Set.of(),
            List.of());
    return new Config(
        config.http,
        config.db,
        config.replica,
        config.auth,
        config.cache,
        config.limits,
        config.jobs,
        config.mail,
        config.webhooks,
        config.exports,
        config.ops,
        e.effective(),
        java.util.Set.copyOf(e.given()),
        List.copyOf(e.keys().values()));
  }

  /** The HTTP servers: where they listen, what they accept, how they shed load. */
  public record Http(
      String host,
      int port,
      int managementPort,
      String managementHost,
      int eventLoops,
      int bodyLimitBytes,
      int maxPageSize,
      int maxOffset,
      boolean compression,
      int compressionMinBytes,
      int sharedMaxAgeSeconds,
      long responseCacheBytes,
      boolean verifyCachedResponses,
      int maxInflight,
      Duration requestTimeout,
      Duration shutdownDrain,
      boolean trustProxy) {
    static final Key<String> HOST = Key.text("HOST", "0.0.0.0", "listen address");
    static final Key<Integer> PORT =
        Key.integer("PORT", 8080, 0, 65535, "HTTP port (0 = any free port)");
    static final Key<Integer> MANAGEMENT_PORT =
        Key.integer(
            "MANAGEMENT_PORT",
            -1,
            -1,
            65535,
            "serve /metrics and /status on this port (on MANAGEMENT_HOST) instead of PORT; -1 = on"
                + " PORT");
    static final Key<String> MANAGEMENT_HOST =
        Key.text("MANAGEMENT_HOST", "127.0.0.1", "listen address of MANAGEMENT_PORT");
    static final Key<Integer> EVENT_LOOPS =
        Key.integer("EVENT_LOOPS", CORES, 1, 256, "event loops, one HTTP server each (cores)");
    static final Key<Integer> BODY_LIMIT_BYTES =
        Key.integer(
            "BODY_LIMIT_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024, "larger bodies get 413");
    static final Key<Integer> PAGE_MAX_LIMIT =
        Key.integer("PAGE_MAX_LIMIT", 100, 1, 10_000, "`limit` above this is capped");
    static final Key<Integer> PAGE_MAX_OFFSET =
        Key.integer(
            "PAGE_MAX_OFFSET",
            10_000,
            0,
            10_000_000,
            "`offset` above this is 422 (deep offsets scan)");
    static final Key<Boolean> COMPRESSION =
        Key.flag("COMPRESSION", true, "gzip and brotli, negotiated by `Accept-Encoding`");
    static final Key<Integer> COMPRESSION_MIN_BYTES =
        Key.integer(
            "COMPRESSION_MIN_BYTES",
            1024,
            0,
            100_000_000,
            "smaller responses are sent as they are");
    static final Key<Integer> SHARED_MAX_AGE_SECONDS =
        Key.integer(
            "SHARED_MAX_AGE_SECONDS",
            5,
            0,
            3_600,
            "how long a shared cache (CDN, gateway) may reuse an anonymous GET without asking"
                + " (`s-maxage`); browsers always revalidate; 0 = every cache revalidates");
    static final Key<Integer> RESPONSE_CACHE_MB =
        Key.integer(
            "RESPONSE_CACHE_MB",
            32,
            0,
            65_536,
            "encoded (serialised, compressed) answers kept per version and coding; 0 = build"
                + " every answer");
    static final Key<Boolean> VERIFY_CACHED_RESPONSES =
        Key.flag(
            "VERIFY_CACHED_RESPONSES",
            false,
            "rebuild every versioned answer and fail (500) when its fingerprint does not cover"
                + " its body; for tests, costs what the cache saves");
    static final Key<Integer> MAX_INFLIGHT =
        Key.integer(
            "MAX_INFLIGHT",
            1024,
            1,
            1_000_000,
            "requests in flight per instance; beyond it 503 + Retry-After at once");
    static final Key<Duration> REQUEST_TIMEOUT =
        Key.millis(
            "REQUEST_TIMEOUT_MS", 10_000, 1, 3_600_000, "a response not started by then is a 503");
    static final Key<Duration> SHUTDOWN_DRAIN =
        Key.millis(
            "SHUTDOWN_DRAIN_MS",
            1000,
            0,
            600_000,
            "readiness is 503 this long before the servers stop on shutdown");
    static final Key<Boolean> TRUST_PROXY =
        Key.flag(
            "TRUST_PROXY",
            false,
            "behind nginx: rate limits count the rightmost `X-Forwarded-For` address");

    static Http read(Env e) {
      return new Http(
          e.get(HOST),
          e.get(PORT),
          e.get(MANAGEMENT_PORT),
          e.get(MANAGEMENT_HOST),
          e.get(EVENT_LOOPS),
          e.get(BODY_LIMIT_BYTES),
          e.get(PAGE_MAX_LIMIT),
          e.get(PAGE_MAX_OFFSET),
          e.get(COMPRESSION),
          e.get(COMPRESSION_MIN_BYTES),
          e.get(SHARED_MAX_AGE_SECONDS),
          e.get(RESPONSE_CACHE_MB) * 1024L * 1024L,
          e.get(VERIFY_CACHED_RESPONSES),
          e.get(MAX_INFLIGHT),
          e.get(REQUEST_TIMEOUT),
          e.get(SHUTDOWN_DRAIN),
          e.get(TRUST_PROXY));
    }

    /** Whether /metrics and /status have a port of their own. */
    public boolean separateManagement() {
      return managementPort >= 0;
    }
  }

  /** The primary database and the pool to it. */
  public record Db(
      Optional<String> url,
      Path dataDir,
      int poolSize,
      int statementConnections,
      Duration pipelinedLockTimeout,
      int pipeliningLimit,
      int maxWaitQueue,
      Duration connectTimeout,
      Duration statementTimeout,
      Duration idleInTransactionTimeout,
      boolean embeddedSynchronousCommit,
      java.util.List<String> shardUrls,
      int shardPartitions) {
    static final Key<Optional<String>> DATABASE_URL =
        Key.optional(
                "DATABASE_URL",
                u -> u.matches("^postgres(ql)?://.+"),
                "postgresql://user:password@host:port/database",
                "`postgresql://user:pass@host:port/db`; unset = embedded PostgreSQL")
            .shownAs(u -> u.map(Config::maskUrl).orElse("<embedded>"));
    static final Key<String> DATA_DIR =
        Key.text(
            "DATA_DIR",
            "data",
            "where the embedded PostgreSQL, the mail outbox and export files live");
    static final Key<Integer> DB_POOL_SIZE =
        Key.integer(
            "DB_POOL_SIZE",
            16,
            1,
            1000,
            "connections lent whole: transactions, writes outside one, and every statement when"
                + " DB_STATEMENT_CONNECTIONS is 0 or the deployment is sharded");
    static final Key<Integer> DB_STATEMENT_CONNECTIONS =
        Key.integer(
            "DB_STATEMENT_CONNECTIONS",
            CORES,
            0,
            256,
            "pipelined connections for read-only statements outside a transaction (opened one"
                + " per event loop, more only when one has DB_PIPELINING_LIMIT in flight); 0 ="
                + " those statements take a pool connection each, one round trip at a time"
                + " ([docs/database.md](docs/database.md) \"Pool and pipelining\")");
    static final Key<Duration> DB_PIPELINED_LOCK_TIMEOUT =
        Key.millis(
            "DB_PIPELINED_LOCK_TIMEOUT_MS",
            100,
            1,
            60_000,
            "PostgreSQL `lock_timeout` of the pipelined connections: a read that waits this long"
                + " for a lock (behind DDL or `LOCK TABLE`) is run again on a pool connection,"
                + " so it never holds up the reads pipelined behind it for longer");
    static final Key<Integer> DB_PIPELINING_LIMIT =
        Key.integer(
            "DB_PIPELINING_LIMIT", 256, 1, 10_000, "statements in flight per pipelined connection");
    static final Key<Integer> DB_MAX_WAIT_QUEUE =
        Key.integer(
            "DB_MAX_WAIT_QUEUE",
            2048,
            -1,
            1_000_000,
            "requests waiting for a connection before 503 (-1 = unbounded)");
    static final Key<Duration> DB_CONNECT_TIMEOUT =
        Key.millis("DB_CONNECT_TIMEOUT_MS", 5000, 1, 600_000, "connect / acquire timeout");
    static final Key<Duration> DB_STATEMENT_TIMEOUT =
        Key.millis(
            "DB_STATEMENT_TIMEOUT_MS",
            30_000,
            0,
            86_400_000,
            "PostgreSQL `statement_timeout` of the server's connections (0 = none)");
    static final Key<Duration> DB_IDLE_IN_TRANSACTION_TIMEOUT =
        Key.millis(
            "DB_IDLE_IN_TRANSACTION_TIMEOUT_MS",
            10_000,
            0,
            86_400_000,
            "PostgreSQL ends a session of the server's that idles this long inside a transaction"
                + " (0 = never)");
    static final Key<Boolean> EMBEDDED_SYNCHRONOUS_COMMIT =
        Key.flag("EMBEDDED_SYNCHRONOUS_COMMIT", true, "embedded PostgreSQL's `synchronous_commit`");

    static final Key<Optional<String>> SHARD_URLS =
        Key.optional(
                "SHARD_URLS",
                u ->
                    java.util.Arrays.stream(u.split(","))
                        .allMatch(x -> x.strip().matches("^postgres(ql)?://.+")),
                "postgresql://host:port/db,postgresql://host:port/db",
                "shards of a sharded deployment, comma-separated; DATABASE_URL is then the"
                    + " directory, and must reach the shards by these URLs"
                    + " ([docs/sharding.md](docs/sharding.md)); unset = one database")
            .shownAs(
                u ->
                    u.map(
                            v ->
                                java.util.Arrays.stream(v.split(","))
                                    .map(x -> Config.maskUrl(x.strip()))
                                    .collect(java.util.stream.Collectors.joining(",")))
                        .orElse("<none: one database>"));
    static final Key<Integer> SHARD_PARTITIONS =
        Key.integer(
            "SHARD_PARTITIONS",
            8,
            1,
            1024,
            "hash partitions of the content, placed round-robin on the shards when first"
                + " created (fixed afterwards: more shards take whole partitions)");

    /** Whether content lives on shards behind a directory (SHARD_URLS set). */
    public boolean sharded() {
      return !shardUrls.isEmpty();
    }

    static Db read(Env e) {
      return new Db(
          e.get(DATABASE_URL),
          Path.of(e.get(DATA_DIR)).toAbsolutePath(),
          e.get(DB_POOL_SIZE),
          e.get(DB_STATEMENT_CONNECTIONS),
          e.get(DB_PIPELINED_LOCK_TIMEOUT),
          e.get(DB_PIPELINING_LIMIT),
          e.get(DB_MAX_WAIT_QUEUE),
          e.get(DB_CONNECT_TIMEOUT),
          e.get(DB_STATEMENT_TIMEOUT),
          e.get(DB_IDLE_IN_TRANSACTION_TIMEOUT),
          e.get(EMBEDDED_SYNCHRONOUS_COMMIT),
          e.get(SHARD_URLS)
              .map(u -> java.util.Arrays.stream(u.split(",")).map(String::strip).toList())
              .orElse(java.util.List.of()),
          e.get(SHARD_PARTITIONS));
    }
  }

  /** A streaming replica for the reads that tolerate lag. */
  public record Replica(Optional<String> url, Duration maxLag, Duration poll) {
    static final Key<Optional<String>> DATABASE_REPLICA_URL =
        Key.optional(
                "DATABASE_REPLICA_URL",
                u -> u.matches("^postgres(ql)?://.+"),
                "postgresql://user:password@host:port/database",
                "a streaming replica for lag-tolerant reads ([docs/scaling.md](docs/scaling.md))")
            .shownAs(u -> u.map(Config::maskUrl).orElse("<none: all reads on the primary>"));
    static final Key<Duration> REPLICA_MAX_LAG =
        Key.millis(
            "REPLICA_MAX_LAG_MS",
            1000,
            1,
            3_600_000,
            "a replica further behind than this serves no reads");
    static final Key<Duration> REPLICA_POLL =
        Key.millis(
            "REPLICA_POLL_MS",
            100,
            10,
            60_000,
            "how often each instance samples primary and replica WAL positions");

    static Replica read(Env e) {
      return new Replica(e.get(DATABASE_REPLICA_URL), e.get(REPLICA_MAX_LAG), e.get(REPLICA_POLL));
    }
  }

  /** Tokens and passwords. */
  public record Auth(
      Optional<String> jwtSecret, Duration jwtTtl, int bcryptCost, int cpuWorkers, int hashQueue) {
    static final Key<Optional<String>> JWT_SECRET =
        Key.optional(
                "JWT_SECRET",
                s -> s.length() >= 32,
                "at least 32 characters",
                "HS256 secret, ≥ 32 characters; unset = one drawn once and kept in"
                    + " `DATA_DIR/jwt-secret` (owner-only), so tokens survive restarts of that"
                    + " server; instances that share tokens must set it")
            .secret();
    static final Key<Duration> JWT_TTL =
        Key.hours("JWT_TTL_HOURS", 168, 1, 24 * 366, "token lifetime");
    static final Key<Integer> BCRYPT_COST =
        Key.integer("BCRYPT_COST", 10, 4, 16, "bcrypt work factor");
    static final Key<Integer> CPU_WORKERS =
        Key.integer("CPU_WORKERS", CORES, 1, 256, "worker threads for bcrypt and Markdown (cores)");
    static final Key<Integer> HASH_QUEUE =
        Key.integer(
            "HASH_QUEUE",
            8 * CORES,
            1,
            1_000_000,
            "bcrypt hashes waiting or running; beyond it 503 at once (8 × cores)");

    static Auth read(Env e) {
      return new Auth(
          e.get(JWT_SECRET),
          e.get(JWT_TTL),
          e.get(BCRYPT_COST),
          e.get(CPU_WORKERS),
          e.get(HASH_QUEUE));
    }
  }

  /** The two-level read cache. */
  public record Cache(
      boolean enabled,
      Optional<String> redisUrl,
      Duration redisTimeout,
      int l1MaxEntries,
      Duration l1Ttl,
      Duration ttl,
      Duration negativeTtl) {
    static final Key<Boolean> CACHE =
        Key.flag(
            "CACHE",
            true,
            "two-level read cache; `off` = every read is one SQL statement building the whole view");
    static final Key<Optional<String>> REDIS_URL =
        Key.optional(
                "REDIS_URL",
                u -> u.matches("^rediss?://.+"),
                "redis://[:password@]host:port[/db]",
                "`redis://host:port`: L2 cache, cross-instance invalidation, shared rate limits;"
                    + " unset = single node")
            .shownAs(u -> u.map(Config::maskUrl).orElse("<none: single node, L1 only>"));
    static final Key<Duration> REDIS_TIMEOUT =
        Key.millis(
            "REDIS_TIMEOUT_MS",
            100,
            1,
            60_000,
            "per Redis command; failures open a circuit breaker (Redis skipped, probed again every"
                + " 250 ms)");
    static final Key<Integer> CACHE_L1_MAX_ENTRIES =
        Key.integer("CACHE_L1_MAX_ENTRIES", 100_000, 0, 100_000_000, "per cache, in-process");
    static final Key<Duration> CACHE_L1_TTL =
        Key.seconds(
            "CACHE_L1_TTL_SECONDS",
            60,
            1,
            86_400,
            "in-process lifetime with Redis (bounds staleness on an instance that missed an"
                + " invalidation); single node, L1 lives CACHE_TTL_SECONDS");
    static final Key<Duration> CACHE_TTL =
        Key.seconds(
            "CACHE_TTL_SECONDS",
            600,
            1,
            7 * 86_400,
            "Redis lifetime, ±10% jitter; single node, the in-process lifetime");
    static final Key<Duration> CACHE_NEGATIVE_TTL =
        Key.seconds("CACHE_NEGATIVE_TTL_SECONDS", 5, 1, 3_600, "lifetime of cached \"not found\"");

    static Cache read(Env e) {
      return new Cache(
          e.get(CACHE),
          e.get(REDIS_URL),
          e.get(REDIS_TIMEOUT),
          e.get(CACHE_L1_MAX_ENTRIES),
          e.get(CACHE_L1_TTL),
          e.get(CACHE_TTL),
          e.get(CACHE_NEGATIVE_TTL));
    }
  }

  /** Rate limits (Bucket4j). */
  public record Limits(
      boolean enabled,
      int perSecond,
      int authPerMinute,
      int loginPerAccountAndClientPerMinute,
      int loginPerAccountPerMinute,
      int maxKeys) {
    static final Key<Boolean> RATE_LIMIT = Key.flag("RATE_LIMIT", true, "`off` for benchmarks");
    static final Key<Integer> RATE_LIMIT_PER_SECOND =
        Key.integer("RATE_LIMIT_PER_SECOND", 200, 1, 1_000_000, "per client IP, every API request");
    static final Key<Integer> RATE_LIMIT_AUTH_PER_MINUTE =
        Key.integer(
            "RATE_LIMIT_AUTH_PER_MINUTE",
            60,
            1,
            1_000_000,
            "per client IP, login and registration");
    static final Key<Integer> RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE =
        Key.integer(
            "RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE",
            10,
            1,
            1_000_000,
            "login attempts per e-mail from one client (the strict limit)");
    static final Key<Integer> RATE_LIMIT_LOGIN_ACCOUNT_CAP_PER_MINUTE =
        Key.integer(
            "RATE_LIMIT_LOGIN_ACCOUNT_CAP_PER_MINUTE",
            100,
            1,
            1_000_000,
            "login attempts per e-mail from all clients together (the loose cap)");
    static final Key<Integer> RATE_LIMIT_MAX_KEYS =
        Key.integer(
            "RATE_LIMIT_MAX_KEYS",
            100_000,
            100,
            10_000_000,
            "buckets kept in memory per limit (least recently used go first)");

    static Limits read(Env e) {
      return new Limits(
          e.get(RATE_LIMIT),
          e.get(RATE_LIMIT_PER_SECOND),
          e.get(RATE_LIMIT_AUTH_PER_MINUTE),
          e.get(RATE_LIMIT_LOGIN_PER_ACCOUNT_PER_MINUTE),
          e.get(RATE_LIMIT_LOGIN_ACCOUNT_CAP_PER_MINUTE),
          e.get(RATE_LIMIT_MAX_KEYS));
    }
  }

  /** The durable job queue's workers on this instance. */
  public record Jobs(
      boolean enabled,
      int concurrency,
      Duration lease,
      int maxAttempts,
      Duration backoffBase,
      Duration poll,
      int ioWorkers) {
    static final Key<Boolean> JOBS = Key.flag("JOBS", true, "run queued jobs on this instance");
    static final Key<Integer> JOBS_CONCURRENCY =
        Key.integer(
            "JOBS_CONCURRENCY",
            32,
            1,
            1000,
            "jobs at a time per instance (a job waits for pool connections like a request)");
    static final Key<Duration> JOBS_LEASE =
        Key.millis(
            "JOBS_LEASE_MS",
            60_000,
            1000,
            86_400_000,
            "a claimed job not finished by then runs again");
    static final Key<Integer> JOBS_MAX_ATTEMPTS =
        Key.integer("JOBS_MAX_ATTEMPTS", 8, 1, 100, "then the job is dead");
    static final Key<Duration> JOBS_BACKOFF =
        Key.millis(
            "JOBS_BACKOFF_MS",
            1000,
            1,
            3_600_000,
            "first retry delay, doubled per attempt, ±20% jitter");
    static final Key<Duration> JOBS_POLL =
        Key.millis(
            "JOBS_POLL_MS",
            1000,
            10,
            600_000,
            "idle poll interval (LISTEN/NOTIFY wakes workers at once)");
    static final Key<Integer> IO_WORKERS =
        Key.integer(
            "IO_WORKERS", 8, 1, 1000, "worker threads for blocking I/O (SMTP, DNS lookups, files)");

    static Jobs read(Env e) {
      return new Jobs(
          e.get(JOBS),
          e.get(JOBS_CONCURRENCY),
          e.get(JOBS_LEASE),
          e.get(JOBS_MAX_ATTEMPTS),
          e.get(JOBS_BACKOFF),
          e.get(JOBS_POLL),
          e.get(IO_WORKERS));
    }
  }

  /** Where welcome mail goes. */
  public record Mail(
      Optional<String> smtpHost,
      int smtpPort,
      Optional<String> smtpUser,
      Optional<String> smtpPassword,
      String from) {
    static final Key<Optional<String>> SMTP_HOST =
        Key.optional(
            "SMTP_HOST",
            h -> !h.isBlank(),
            "a host name",
            "SMTP server for welcome mail; unset = mail goes to `DATA_DIR/outbox`");
    static final Key<Integer> SMTP_PORT = Key.integer("SMTP_PORT", 25, 1, 65535, "SMTP port");
    static final Key<Optional<String>> SMTP_USER =
        Key.optional("SMTP_USER", u -> true, "a user name", "SMTP user (unset = no auth)");
    static final Key<Optional<String>> SMTP_PASSWORD =
        Key.optional("SMTP_PASSWORD", p -> true, "a password", "SMTP password").secret();
    static final Key<String> SMTP_FROM =
        Key.text("SMTP_FROM", "Conduit <no-reply@conduit.local>", "sender of welcome mail");

    static Mail read(Env e) {
      return new Mail(
          e.get(SMTP_HOST),
          e.get(SMTP_PORT),
          e.get(SMTP_USER),
          e.get(SMTP_PASSWORD),
          e.get(SMTP_FROM));
    }
  }

  /** Webhooks and the notifications that trigger them. */
  public record Webhooks(
      boolean allowPrivate, Duration timeout, int perUser, Duration notifyRepeatWindow) {
    static final Key<Boolean> WEBHOOKS_ALLOW_PRIVATE =
        Key.flag(
            "WEBHOOKS_ALLOW_PRIVATE",
            false,
            "allow webhook targets that are not global unicast (loopback, private, ...): tests"
                + " and closed networks only");
    static final Key<Duration> WEBHOOK_TIMEOUT =
        Key.millis("WEBHOOK_TIMEOUT_MS", 5000, 1, 600_000, "per delivery");
    static final Key<Integer> WEBHOOKS_PER_USER =
        Key.integer("WEBHOOKS_PER_USER", 20, 1, 10_000, "subscriptions one user may have");
    static final Key<Duration> NOTIFY_REPEAT_WINDOW =
        Key.seconds(
            "NOTIFY_REPEAT_WINDOW_SECONDS",
            3600,
            0,
            30 * 86_400,
            "one notification per (actor, article, kind) within this window");

    static Webhooks read(Env e) {
      return new Webhooks(
          e.get(WEBHOOKS_ALLOW_PRIVATE),
          e.get(WEBHOOK_TIMEOUT),
          e.get(WEBHOOKS_PER_USER),
          e.get(NOTIFY_REPEAT_WINDOW));
    }
  }

  /** Article exports: streamed and queued. */
  public record Exports(
      int streamsPerInstance,
      int streamsPerUser,
      Duration idleTimeout,
      int queuedPerUser,
      int jobsAtOnce,
      Duration retention) {
    static final Key<Integer> EXPORT_STREAMS_PER_INSTANCE =
        Key.integer(
            "EXPORT_STREAMS_PER_INSTANCE",
            4,
            1,
            1000,
            "streamed exports at once per instance (each holds a connection)");
    static final Key<Integer> EXPORT_STREAMS_PER_USER =
        Key.integer("EXPORT_STREAMS_PER_USER", 1, 1, 1000, "streamed exports at once per user");
    static final Key<Duration> EXPORT_IDLE_TIMEOUT =
        Key.millis(
            "EXPORT_IDLE_TIMEOUT_MS",
            30_000,
            1000,
            3_600_000,
            "a streamed export whose client reads nothing this long is ended");
    static final Key<Integer> EXPORTS_QUEUED_PER_USER =
        Key.integer(
            "EXPORTS_QUEUED_PER_USER", 3, 1, 1000, "queued or running export jobs per user");
    static final Key<Integer> EXPORT_JOBS_AT_ONCE =
        Key.integer("EXPORT_JOBS_AT_ONCE", 1, 1, 1000, "export jobs running at once per instance");
    static final Key<Duration> EXPORT_RETENTION =
        Key.seconds(
            "EXPORT_RETENTION_SECONDS",
            86_400,
            1,
            365 * 86_400,
            "a finished export (file and row) is deleted this long after it was written");

    static Exports read(Env e) {
      return new Exports(
          e.get(EXPORT_STREAMS_PER_INSTANCE),
          e.get(EXPORT_STREAMS_PER_USER),
          e.get(EXPORT_IDLE_TIMEOUT),
          e.get(EXPORTS_QUEUED_PER_USER),
          e.get(EXPORT_JOBS_AT_ONCE),
          e.get(EXPORT_RETENTION));
    }
  }

  /** Observability and operations. */
  public record Ops(
      Duration slowRequest,
      Duration slowQuery,
      Optional<String> otlpEndpoint,
      Optional<String> adminToken,
      Duration dashboardPartTimeout,
      String logFormat,
      String logLevel,
      String accessLog,
      Optional<String> sentryDsn) {
    static final Key<Duration> SLOW_REQUEST =
        Key.millis(
            "SLOW_REQUEST_MS",
            500,
            0,
            3_600_000,
            "requests slower than this are logged (method, route, status, duration, request id)");
    static final Key<Duration> SLOW_QUERY =
        Key.millis(
            "SLOW_QUERY_MS",
            100,
            0,
            3_600_000,
            "statements slower than this are logged (text only, never parameter values)");
    static final Key<Optional<String>> OTLP_ENDPOINT =
        Key.optional(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            u -> u.matches("^https?://.+"),
            "http(s)://host:port (OTLP over HTTP)",
            "`http://collector:4318`: OpenTelemetry spans over OTLP/HTTP; unset = tracing off (no"
                + " SDK)");
    static final Key<Optional<String>> ADMIN_TOKEN =
        Key.optional(
                "ADMIN_TOKEN",
                t -> t.length() >= 16,
                "at least 16 characters",
                "enables the admin API (dead jobs) for callers sending it in `X-Admin-Token`")
            .secret();
    static final Key<Duration> DASHBOARD_PART_TIMEOUT =
        Key.millis("DASHBOARD_PART_TIMEOUT_MS", 500, 1, 600_000, "per part of `/api/dashboard`");
    static final Key<String> LOG_FORMAT =
        Key.choice(
            "LOG_FORMAT",
            "auto",
            List.of("auto", "json", "text"),
            "`auto` (text on a terminal, else JSON), `json` (one object a line) or `text`");
    static final Key<String> LOG_LEVEL =
        Key.choice(
            "HOTPATH_LOG_LEVEL",
            "info",
            List.of("trace", "debug", "info", "warn", "error"),
            "log level");
    static final Key<String> ACCESS_LOG =
        Key.choice(
            "ACCESS_LOG",
            "auto",
            List.of("auto", "on", "off"),
            "a line per request (method, route, status, duration, request id); `auto`: on when"
                + " standard output is a terminal");

    static final Key<Optional<String>> SENTRY_DSN =
        Key.optional(
                "SENTRY_DSN",
                u -> u.matches("^https?://[^@/\\s]+@[^/\\s]+/.+"),
                "a Sentry DSN (https://key@host/project)",
                "500s and dead jobs go to Sentry (request id, route, release; no personal data);"
                    + " unset = the SDK is not loaded")
            .secret();

    static Ops read(Env e) {
      return new Ops(
          e.get(SLOW_REQUEST),
          e.get(SLOW_QUERY),
          e.get(OTLP_ENDPOINT),
          e.get(ADMIN_TOKEN),
          e.get(DASHBOARD_PART_TIMEOUT),
          e.get(LOG_FORMAT),
          e.get(LOG_LEVEL),
          e.get(ACCESS_LOG),
          e.get(SENTRY_DSN));
    }
  }

  /** Every declared key, in declaration order (the README table lists exactly these). */
  public static List<Key<?>> declared() {
    return fromEnv(Map.of()).keys();
  }

  static String maskUrl(String url) {
    return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:<masked>@");
  }
}
