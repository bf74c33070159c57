package io.hotpath;

import io.hotpath.article.ArticleRoutes;
import io.hotpath.auth.TokenVersions;
import io.hotpath.auth.Tokens;
import io.hotpath.cache.CacheSettings;
import io.hotpath.comment.CommentRoutes;
import io.hotpath.config.Config;
import io.hotpath.dashboard.DashboardRoutes;
import io.hotpath.export.ExportJob;
import io.hotpath.export.Exports;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.hotpath.jobs.JobRoutes;
import io.hotpath.mail.Mailer;
import io.hotpath.mail.WelcomeMail;
import io.hotpath.notify.Notifications;
import io.hotpath.ops.ApiDocsRoutes;
import io.hotpath.ops.BuildInfo;
import io.hotpath.ops.FrontDoorRoutes;
import io.hotpath.ops.Health;
import io.hotpath.ops.MetricsRoutes;
import io.hotpath.ops.Profiler;
import io.hotpath.ops.ProfilingRoutes;
import io.hotpath.ops.StatusRoutes;
import io.hotpath.social.Favorites;
import io.hotpath.social.ProfileRoutes;
import io.hotpath.social.Profiles;
import io.hotpath.tag.PopularTags;
import io.hotpath.user.PasswordHasher;
import io.hotpath.user.UserRoutes;
import io.hotpath.webhook.Webhooks;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every feature, wired in dependency order on the shared {@link Infrastructure}: the faces other
 * features use first (jobs, tokens, profiles, tags, webhooks, notifications, exports), then each
 * feature's routes in the one order they are matched ({@link #api}), the operations routes, and the
 * job handlers.
 */
record Features(
    List<Consumer<Router>> api,
    List<Consumer<Router>> ops,
    Map<String, JobHandler> jobHandlers,
    JobQueue jobs,
    Tokens tokens,
    TokenVersions tokenVersions,
    Health health,
    Deque<AutoCloseable> owned) {
  private static final Logger LOG = LoggerFactory.getLogger(Features.class);

  /** The faces features share, built once in dependency order. */
  private record Faces(
      JobQueue jobs,
      Tokens tokens,
      TokenVersions versions,
      PasswordHasher hasher,
      Profiles profiles,
      Favorites favorites,
      PopularTags tags,
      Webhooks webhooks,
      Notifications notifications,
      Exports exports,
      Health health) {}

  static Features wire(Infrastructure infra, Config config, Extension extension) {
    var owned = new ArrayDeque<AutoCloseable>();
    var faces = faces(infra, config, owned);
    var ops =
        List.<Consumer<Router>>of(
            faces.health(), new MetricsRoutes(infra.registry()), new StatusRoutes());
    var mailer =
        new Mailer(
            infra.io(), Mailer.Smtp.of(config.mail()), config.db().dataDir().resolve("outbox"));
    Map<String, JobHandler> handlers =
        Map.of(
            WelcomeMail.KIND, new WelcomeMail(mailer),
            Notifications.KIND, faces.notifications(),
            Webhooks.KIND, faces.webhooks().job(),
            ExportJob.KIND, faces.exports().job());
    return new Features(
        api(infra, config, extension, faces),
        ops,
        handlers,
        faces.jobs(),
        faces.tokens(),
        faces.versions(),
        faces.health(),
        owned);
  }

  private static Faces faces(Infrastructure infra, Config config, Deque<AutoCloseable> owned) {
    var vertx = infra.vertx();
    var db = infra.database().db();
    var background = db.background();
    var clock = infra.time().clock();
    var caches = infra.caches();
    var settings = cacheSettings(config.cache());
    var jobs = new JobQueue(background, clock, config.jobs().maxAttempts());
    var webhooks = new Webhooks(vertx, background, jobs, infra.io(), config.webhooks(), clock);
    owned.push(webhooks);
    var notifications =
        new Notifications(vertx, background, jobs, config.webhooks().notifyRepeatWindow(), clock);
    owned.push(notifications);
    var exports =
        new Exports(
            vertx,
            background,
            infra.database().cursorOptions(config.exports().idleTimeout()),
            jobs,
            config.exports(),
            config.db().dataDir().resolve("exports"),
            clock);
    owned.push(exports);
    return new Faces(
        jobs,
        new Tokens(vertx, jwtSecret(config), config.auth().jwtTtl()),
        new TokenVersions(caches, db, settings),
        new PasswordHasher(infra.cpu(), config.auth().bcryptCost(), config.auth().hashQueue()),
        new Profiles(caches, db, settings),
        new Favorites(caches, db, settings),
        new PopularTags(caches, db, settings),
        webhooks,
        notifications,
        exports,
        new Health(vertx, background, caches.redis(), infra.time().ticker()));
  }

  /** The API's routes in the one order they are matched. */
  private static List<Consumer<Router>> api(
      Infrastructure infra, Config config, Extension extension, Faces f) {
    var db = infra.database().db();
    boolean cachedReads = config.cache().enabled();
    var api = new ArrayList<Consumer<Router>>(extension.routesBefore(db));
    api.add(new UserRoutes(db, f.hasher(), f.tokens(), f.versions(), f.profiles(), f.jobs()));
    api.add(new ProfileRoutes(db, f.profiles(), f.notifications(), cachedReads));
    api.add(f.exports().routes()); // fixed /api/articles/export before /api/articles/:slug
    var articles =
        new ArticleRoutes(
            db,
            config.http(),
            infra.caches(),
            cacheSettings(config.cache()),
            cachedReads,
            f.profiles(),
            f.favorites(),
            f.tags(),
            f.notifications(),
            infra.cpu());
    api.add(articles);
    api.add(
        new CommentRoutes(
            db,
            f.notifications(),
            config.http(),
            articles::idOf,
            infra.caches(),
            cacheSettings(config.cache()),
            f.profiles(),
            cachedReads));
    api.add(f.notifications().routes());
    api.add(f.webhooks().routes());
    api.add(new DashboardRoutes(infra.vertx(), db.reads(), config.ops().dashboardPartTimeout()));
    api.add(new JobRoutes(f.jobs(), config.ops().adminToken()));
    api.add(
        new ProfilingRoutes(new Profiler(infra.vertx(), infra.io()), config.ops().adminToken()));
    api.add(f.tags().routes());
    api.add(new ApiDocsRoutes());
    api.add(
        new FrontDoorRoutes(
            BuildInfo.current(),
            config.http().separateManagement() ? config.http().managementPort() : -1));
    return List.copyOf(api);
  }

  /**
   * With Redis, L1 lives CACHE_L1_TTL_SECONDS (an instance that missed an invalidation serves the
   * old value at most that long). Single node, invalidations are in-process and cannot be missed,
   * and L1 is the only level: it lives CACHE_TTL_SECONDS, as shared entries would.
   */
  static CacheSettings cacheSettings(Config.Cache c) {
    var l1 = c.redisUrl().isPresent() ? c.l1Ttl() : c.ttl();
    return new CacheSettings(c.l1MaxEntries(), l1, c.ttl(), c.negativeTtl());
  }

  /**
   * JWT_SECRET, or when unset the secret kept in DATA_DIR (drawn once, readable by the owner only),
   * so a local server's tokens survive its restarts as its data does. Instances that share tokens
   * must set JWT_SECRET: each data folder has its own.
   */
  private static String jwtSecret(Config config) {
    return config
        .auth()
        .jwtSecret()
        .orElseGet(
            () -> {
              Path file = config.db().dataDir().resolve("jwt-secret");
              try {
                if (Files.exists(file)) {
                  String kept = Files.readString(file).trim();
                  if (kept.length() >= 32) {
                    LOG.info("JWT_SECRET is not set: using the secret kept in {}", file);
                    return kept;
                  }
                }
                byte[] bytes = new byte[48];
                new SecureRandom().nextBytes(bytes);
                String secret = Base64.getEncoder().encodeToString(bytes);
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling("jwt-secret.tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(
                    tmp,
                    PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, secret);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("JWT_SECRET is not set: drew a secret and kept it in {}", file);
                return secret;
              } catch (IOException | UnsupportedOperationException e) {
                throw new IllegalStateException(
                    "JWT_SECRET is not set and the secret could not be kept in " + file, e);
              }
            });
  }
}
