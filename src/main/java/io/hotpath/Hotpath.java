package io.hotpath;

import io.hotpath.article.ArticleRoutes;
import io.hotpath.auth.Tokens;
import io.hotpath.cache.CacheSettings;
import io.hotpath.cache.Caches;
import io.hotpath.comment.CommentRoutes;
import io.hotpath.config.Config;
import io.hotpath.config.ConfigException;
import io.hotpath.dashboard.DashboardRoutes;
import io.hotpath.db.Database;
import io.hotpath.db.Db;
import io.hotpath.export.ExportRoutes;
import io.hotpath.export.Exports;
import io.hotpath.http.HttpApi;
import io.hotpath.http.HttpVerticle;
import io.hotpath.http.Json;
import io.hotpath.http.RateLimits;
import io.hotpath.jobs.JobQueue;
import io.hotpath.jobs.JobRoutes;
import io.hotpath.jobs.JobWorker;
import io.hotpath.mail.Mailer;
import io.hotpath.mail.WelcomeMail;
import io.hotpath.notify.NotificationRoutes;
import io.hotpath.notify.Notifications;
import io.hotpath.ops.EventLoopDelay;
import io.hotpath.ops.Health;
import io.hotpath.ops.Metrics;
import io.hotpath.ops.MetricsRoutes;
import io.hotpath.ops.RequestTelemetry;
import io.hotpath.ops.StatusRoutes;
import io.hotpath.ops.Telemetry;
import io.hotpath.ops.Tracing;
import io.hotpath.social.ProfileRoutes;
import io.hotpath.social.Profiles;
import io.hotpath.tag.TagRoutes;
import io.hotpath.user.PasswordHasher;
import io.hotpath.user.UserRoutes;
import io.hotpath.webhook.WebhookRoutes;
import io.hotpath.webhook.Webhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds config, Vert.x, the database, services and routes with plain
 * constructors, and starts one HTTP server per event loop. {@code main} and the tests both start
 * the server through {@link #start(Config)}.
 */
public final class Hotpath implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Hotpath.class);

  private final Vertx vertx;
  private final Database database;
  private final WorkerExecutor cpu;
  private final Caches caches;
  private final Health health;
  private final Tracing tracing;
  private final java.time.Duration drain;
  private final int port;
  private final JobWorker worker;
  private final JobQueue jobs;
  private final io.hotpath.http.Admission admission;

  private Hotpath(
      Vertx vertx,
      Database database,
      WorkerExecutor cpu,
      Caches caches,
      Health health,
      Tracing tracing,
      java.time.Duration drain,
      int port,
      JobWorker worker,
      JobQueue jobs,
      io.hotpath.http.Admission admission) {
    this.admission = admission;
    this.worker = worker;
    this.jobs = jobs;
    this.vertx = vertx;
    this.database = database;
    this.cpu = cpu;
    this.caches = caches;
    this.health = health;
    this.tracing = tracing;
    this.drain = drain;
    this.port = port;
  }

  public static void main(String[] args) {
    Config config;
    try {
      config = Config.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("hotpath: " + e.getMessage());
      System.exit(2);
      return;
    }
    var app = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "hotpath-shutdown"));
  }

  /**
   * Starts a complete server (blocking until it listens); close it to stop everything it started.
   */
  public static Hotpath start(Config config) {
    config.describe().forEach((k, v) -> LOG.info("config {}={}", k, v));
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Metrics.bindJvm(registry);
    var tracing = Tracing.create(config.otlpEndpoint().orElse(null));
    var telemetry = new Telemetry(registry, config.slowQuery(), tracing.openTelemetry());
    io.hotpath.http.RequestId.registerContextLocal(); // context locals first, then Vertx
    io.hotpath.db.ReadFence.registerContextLocal();
    io.hotpath.naive.PerRequestConnections.registerContextLocal();
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setEventLoopPoolSize(config.eventLoops())
                    .setMaxEventLoopExecuteTime(200)
                    .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                    .setMetricsOptions(Metrics.vertxOptions()))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    Database database = null;
    Caches caches = null;
    try {
      database = Database.open(config, vertx, telemetry, registry);
      // DB_POOL=off (benchmark only): single statements on a connection opened per request
      var perRequest =
          config.dbPool()
              ? null
              : new io.hotpath.naive.PerRequestConnections(vertx, database.connectOptions());
      Db db =
          perRequest == null
              ? database.db()
              : new Db(database.db().pool(), telemetry, database.replica(), perRequest);
      String secret =
          config
              .jwtSecret()
              .orElseGet(
                  () -> {
                    LOG.warn(
                        "JWT_SECRET is not set: using a random secret, so tokens stop working when this process exits");
                    byte[] bytes = new byte[48];
                    new SecureRandom().nextBytes(bytes);
                    return Base64.getEncoder().encodeToString(bytes);
                  });
      WorkerExecutor cpu = vertx.createSharedWorkerExecutor("hotpath-cpu", config.cpuWorkers());
      WorkerExecutor io = vertx.createSharedWorkerExecutor("hotpath-io", config.ioWorkers());
      var clock = java.time.Clock.systemUTC();
      // background work (jobs, health checks) shares the pool but not the request statement count
      Db background = new Db(db.pool(), telemetry);
      var jobs = new JobQueue(background, clock, config.jobsMaxAttempts());
      var webhooks =
          new Webhooks(
              vertx,
              background,
              jobs,
              io,
              config.webhooksAllowPrivate(),
              (int) config.webhookTimeout().toMillis(),
              clock);
      var notifications = new Notifications(background, jobs, webhooks);
      var mailer =
          new Mailer(
              io,
              config
                  .smtpHost()
                  .map(
                      h ->
                          new Mailer.Smtp(
                              h,
                              config.smtpPort(),
                              config.smtpUser().orElse(null),
                              config.smtpPassword().orElse(null),
                              config.smtpFrom()))
                  .orElse(null),
              config.dataDir().resolve("outbox"));
      var exports =
          new Exports(
              vertx, background, database.connectOptions(), config.dataDir().resolve("exports"));
      var tokens = new Tokens(vertx, secret, config.jwtTtl());
      var hasher = new PasswordHasher(cpu, config.bcryptCost(), config.hashQueue());
      var cacheSettings =
          new CacheSettings(
              config.cacheL1MaxEntries(),
              config.cacheL1Ttl(),
              config.cacheTtl(),
              config.cacheNegativeTtl());
      if (config.cacheEnabled()) {
        caches =
            new Caches(
                vertx,
                Json.MAPPER,
                registry,
                config.redisUrl().orElse(null),
                config.redisTimeout(),
                System::nanoTime,
                telemetry);
      }
      var profiles = caches == null ? null : new Profiles(caches, db, cacheSettings);
      var tags = new TagRoutes(db, caches, cacheSettings);
      var health = new Health(vertx, background, caches == null ? null : caches.redis());
      var features = new java.util.ArrayList<Consumer<Router>>();
      if (perRequest != null) {
        features.add(router -> router.route("/api/*").handler(perRequest.perRequest()));
      }
      if (config.naive()) { // benchmark only: naive reads in front of the real routes
        features.add(
            new io.hotpath.naive.NaiveReads(db, config.naiveBatch(), config.naiveParallel()));
      }
      features.addAll(
          List.of(
              new UserRoutes(db, hasher, tokens, profiles, jobs),
              new ProfileRoutes(db, profiles, notifications),
              new ExportRoutes(exports, jobs), // before /api/articles/:slug
              new ArticleRoutes(
                  db,
                  config.maxPageSize(),
                  config.maxOffset(),
                  caches,
                  cacheSettings,
                  profiles,
                  tags.cache(),
                  notifications,
                  cpu),
              new CommentRoutes(db, notifications, config.maxPageSize(), config.maxOffset()),
              new NotificationRoutes(db),
              new WebhookRoutes(webhooks),
              new DashboardRoutes(vertx, db.reads(), config.dashboardPartTimeout()),
              new JobRoutes(jobs, config.adminToken().orElse(null)),
              tags,
              health,
              new MetricsRoutes(registry),
              new StatusRoutes()));
      var limits =
          config.rateLimit()
              ? new RateLimits(
                  vertx,
                  caches == null ? null : caches.redis(),
                  config.rateLimitPerSecond(),
                  config.rateLimitAuthPerMinute(),
                  config.rateLimitLoginPerAccountPerMinute(),
                  config.trustProxy())
              : null;
      var requests = new RequestTelemetry(config.slowRequest(), telemetry);
      var admission =
          new io.hotpath.http.Admission(
              config.maxInflight(), config.requestTimeout().toMillis(), registry);
      var readYourWrites =
          database.replica() == null
              ? null
              : new io.hotpath.http.ReadYourWrites(
                  new io.hotpath.cache.WriteMarks(
                      caches == null ? null : caches.redis(),
                      config.replicaMaxLag(),
                      config.requestTimeout()),
                  clock);
      var actualPort = new AtomicInteger();
      vertx
          .deployVerticle(
              () ->
                  new HttpVerticle(
                      () ->
                          HttpApi.router(
                              vertx,
                              tokens,
                              config.bodyLimitBytes(),
                              config.publicMaxAgeSeconds(),
                              limits,
                              requests,
                              admission,
                              readYourWrites,
                              features),
                      config.host(),
                      config.port(),
                      config.compression() ? config.compressionMinBytes() : -1,
                      actualPort),
              new DeploymentOptions().setInstances(config.eventLoops()))
          .await();
      EventLoopDelay.start(vertx, registry, config.eventLoops());
      JobWorker worker = null;
      if (config.jobsEnabled()) {
        worker =
            new JobWorker(
                vertx,
                jobs,
                Map.of(
                    WelcomeMail.KIND, new WelcomeMail(mailer),
                    Notifications.KIND, notifications,
                    Webhooks.KIND, webhooks,
                    Exports.KIND, exports),
                database.connectOptions(),
                new JobWorker.Settings(
                    config.jobsConcurrency(),
                    config.jobsLease(),
                    config.jobsPoll(),
                    config.jobsBackoffBase()),
                telemetry,
                registry);
        worker.start().await();
      }
      LOG.info("Hotpath listening on http://{}:{}/api", config.host(), actualPort.get());
      return new Hotpath(
          vertx,
          database,
          cpu,
          caches,
          health,
          tracing,
          config.shutdownDrain(),
          actualPort.get(),
          worker,
          jobs,
          admission);
    } catch (RuntimeException e) {
      if (caches != null) {
        caches.close();
      }
      if (database != null) {
        database.close();
      }
      vertx.close().await();
      tracing.close();
      throw e;
    }
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The database door, for tests that count statements. */
  public Db db() {
    return database.db();
  }

  /** The job queue (tests enqueue and inspect jobs). */
  public JobQueue jobs() {
    return jobs;
  }

  /** The caches, or null when CACHE=off (tests read load counts). */
  public Caches caches() {
    return caches;
  }

  /**
   * Graceful shutdown: readiness turns 503 at once, load balancers get SHUTDOWN_DRAIN_MS to notice,
   * then the HTTP servers stop accepting and let in-flight requests finish, and only then are the
   * caches, the pool and the embedded database closed. Blocking: not for an event loop.
   */
  @Override
  public void close() {
    health.beginShutdown();
    admission.drain();
    if (!drain.isZero()) {
      try {
        Thread.sleep(drain.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (worker != null) {
        worker.close();
      }
      vertx.deploymentIDs().forEach(id -> vertx.undeploy(id).await());
      cpu.close().await();
      if (caches != null) {
        caches.close();
      }
    } finally {
      database.close();
      vertx.close().await();
      tracing.close();
    }
  }
}
