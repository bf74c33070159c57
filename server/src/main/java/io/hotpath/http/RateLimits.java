package io.hotpath.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.hotpath.cache.RedisLink;
import io.hotpath.config.Config;
import io.hotpath.error.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Rate limits with Bucket4j token buckets: a general per-client limit, a much stricter one on login
 * and registration per client, and two on login per account (e-mail): a strict one per account and
 * client, so an attacker elsewhere cannot lock the owner out, and a looser cap per account over all
 * clients, so an attacker spread over many addresses still cannot guess on. Buckets are local in
 * the single-node default and shared through Redis when REDIS_URL is set; if Redis fails, the local
 * buckets take over for that request (limits stay, only per-instance).
 *
 * <p>Every key is bounded: clients are addresses, e-mails longer than any valid one are not limited
 * here (validation refuses them before any password work), and each limit keeps at most
 * RATE_LIMIT_MAX_KEYS local buckets (least recently used go first; the gauge {@code
 * hotpath.ratelimit.keys} shows how many are held). Redis buckets expire once refilled.
 *
 * <p>Every limited response carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code
 * RateLimit-Reset}; a refusal is 429 with {@code Retry-After}.
 */
public final class RateLimits {
  /** Longer e-mails are invalid anyway (422 before any bcrypt), so they get no bucket. */
  static final int MAX_ACCOUNT_KEY = 254;

  private final Vertx vertx;
  private final Limit general;
  private final Limit auth;
  private final Limit accountAndClient;
  private final Limit account;
  private final RedisLink redis;
  private final Optional<AsyncProxyManager<String>> shared;
  private final boolean trustProxy;
  private final boolean enabled;

  /** One limit: its name, size and local buckets (on the injected ticker). */
  record Limit(
      String name,
      long capacity,
      BucketConfiguration config,
      Cache<String, Bucket> local,
      TimeMeter time) {
    static Limit of(
        String name, long capacity, Duration period, long maxKeys, LongSupplier ticker) {
      var bandwidth = Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build();
      return new Limit(
          name,
          capacity,
          BucketConfiguration.builder().addLimit(bandwidth).build(),
          Caffeine.newBuilder()
              .executor(io.hotpath.cache.Caches.SAME_THREAD)
              .maximumSize(maxKeys)
              .expireAfterAccess(period.multipliedBy(2))
              .ticker(ticker::getAsLong)
              .build(),
          new TimeMeter() {
            @Override
            public long currentTimeNanos() {
              return ticker.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
              return false;
            }
          });
    }

    Bucket bucket(String key) {
      return local.get(
          key,
          k ->
              Bucket.builder()
                  .addLimit(config.getBandwidths()[0])
                  .withCustomTimePrecision(time)
                  .build());
    }
  }

  /** No limits at all (RATE_LIMIT=off: benchmarks): every handler passes the request on. */
  public static RateLimits off() {
    return new RateLimits();
  }

  private RateLimits() {
    this.vertx = null;
    this.enabled = false;
    this.trustProxy = false;
    this.redis = RedisLink.NONE;
    this.general = null;
    this.auth = null;
    this.accountAndClient = null;
    this.account = null;
    this.shared = Optional.empty();
  }

  /**
   * The limits of {@code limits}, shared through {@code redis} when it is configured, local buckets
   * timed by {@code ticker} (nanoseconds; tests move it).
   */
  public RateLimits(
      Vertx vertx,
      RedisLink redis,
      Config.Limits limits,
      boolean trustProxy,
      MeterRegistry registry,
      LongSupplier ticker) {
    this.vertx = vertx;
    this.enabled = true;
    this.trustProxy = trustProxy;
    this.redis = redis;
    long max = limits.maxKeys();
    this.general = Limit.of("request", limits.perSecond(), Duration.ofSeconds(1), max, ticker);
    this.auth = Limit.of("auth", limits.authPerMinute(), Duration.ofMinutes(1), max, ticker);
    this.accountAndClient =
        Limit.of(
            "login",
            limits.loginPerAccountAndClientPerMinute(),
            Duration.ofMinutes(1),
            max,
            ticker);
    this.account =
        Limit.of(
            "login account", limits.loginPerAccountPerMinute(), Duration.ofMinutes(1), max, ticker);
    for (Limit l : List.of(general, auth, accountAndClient, account)) {
      Gauge.builder(
              "hotpath.ratelimit.keys",
              l.local(),
              c -> {
                c.cleanUp(); // evictions due are done, so the count is within the bound
                return c.estimatedSize();
              })
          .tag("limit", l.name())
          .description("rate-limit buckets held in memory")
          .register(registry);
    }
    this.shared =
        redis
            .connection()
            .map(
                c ->
                    LettuceBasedProxyManager.builderFor(c)
                        .withExpirationStrategy(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                                Duration.ofSeconds(10)))
                        .build()
                        .asAsync());
  }

  /** The per-client limit for every API request. */
  public Handler<RoutingContext> perClient() {
    return ctx ->
        check(ctx, enabled ? List.of(new Check(general, "rl:req:" + client(ctx))) : List.of());
  }

  /** The stricter per-client limit for login and registration. */
  public Handler<RoutingContext> authPerClient() {
    return ctx ->
        check(ctx, enabled ? List.of(new Check(auth, "rl:auth:" + client(ctx))) : List.of());
  }

  /**
   * The login limits per account, keyed by the e-mail in the body (malformed bodies and impossible
   * e-mails pass to validation): strict per account and client, loose per account.
   */
  public Handler<RoutingContext> loginPerAccount() {
    return ctx -> {
      if (!enabled) {
        ctx.next();
        return;
      }
      String email = null;
      try {
        var buf = ctx.body().buffer();
        if (buf != null) {
          var node = Json.MAPPER.readTree(buf.getBytes()).path("user").path("email");
          email = node.isTextual() ? node.textValue().trim().toLowerCase(Locale.ROOT) : null;
        }
      } catch (java.io.IOException | RuntimeException e) {
        email = null;
      }
      if (email == null || email.isEmpty() || email.length() > MAX_ACCOUNT_KEY) {
        ctx.next();
      } else {
        check(ctx, loginChecks(client(ctx), email));
      }
    };
  }

  record Check(Limit limit, String key) {}

  /** What consuming from a list of buckets came to: admitted, or refused by one limit. */
  record Outcome(boolean admitted, Limit limit, ConsumptionProbe probe) {
    /** Seconds until the refusing bucket has a token again (at least 1). */
    long retryAfterSeconds() {
      return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }
  }

  /** The login limits for {@code email} from {@code client}: strict per pair, loose per account. */
  List<Check> loginChecks(String client, String email) {
    return List.of(
        new Check(accountAndClient, "rl:login:" + client + "|" + email),
        new Check(account, "rl:acct:" + email));
  }

  /**
   * Consumes one token from each bucket in order; the first refusal ends it (earlier buckets keep
   * their consumed token: an attempt counts wherever it got to).
   */
  Future<Outcome> consumeAll(List<Check> checks) {
    Future<Outcome> result = Future.succeededFuture(null);
    for (Check c : checks) {
      result =
          result.compose(
              previous ->
                  previous != null && !previous.admitted()
                      ? Future.succeededFuture(previous)
                      : consume(c.limit(), c.key())
                          .otherwise(t -> c.limit().bucket(c.key()).tryConsumeAndReturnRemaining(1))
                          .map(p -> new Outcome(p.isConsumed(), c.limit(), p)));
    }
    return result;
  }

  private void check(RoutingContext ctx, List<Check> checks) {
    if (!enabled || checks.isEmpty()) {
      ctx.next();
      return;
    }
    consumeAll(checks)
        .onComplete(
            ar -> {
              Outcome o = ar.result();
              var r = ctx.response();
              r.putHeader("RateLimit-Limit", Long.toString(o.limit().capacity()));
              r.putHeader("RateLimit-Remaining", Long.toString(o.probe().getRemainingTokens()));
              long resetSeconds =
                  Math.max(0, (o.probe().getNanosToWaitForReset() + 999_999_999L) / 1_000_000_000L);
              r.putHeader("RateLimit-Reset", Long.toString(resetSeconds));
              if (o.admitted()) {
                ctx.next();
              } else {
                ctx.fail(new ApiException.TooManyRequests(o.limit().name(), o.retryAfterSeconds()));
              }
            });
  }

  private Future<ConsumptionProbe> consume(Limit limit, String key) {
    if (shared.isEmpty() || !redis.available()) {
      return Future.succeededFuture(limit.bucket(key).tryConsumeAndReturnRemaining(1));
    }
    CompletableFuture<ConsumptionProbe> cf =
        shared
            .get()
            .builder()
            .build(key, () -> CompletableFuture.completedFuture(limit.config()))
            .tryConsumeAndReturnRemaining(1);
    return Future.fromCompletionStage(cf, vertx.getOrCreateContext());
  }

  /**
   * The client a request is counted against: its peer address, or, behind a proxy we trust
   * (TRUST_PROXY), the address that proxy saw: the rightmost X-Forwarded-For entry, the one the
   * client cannot forge (nginx's $proxy_add_x_forwarded_for appends it).
   */
  private String client(RoutingContext ctx) {
    if (trustProxy) {
      String xff = ctx.request().getHeader("X-Forwarded-For");
      if (xff != null && !xff.isBlank()) {
        int comma = xff.lastIndexOf(',');
        String last = (comma < 0 ? xff : xff.substring(comma + 1)).trim();
        if (!last.isEmpty() && last.length() <= 64) {
          return last;
        }
      }
    }
    var addr = ctx.request().remoteAddress();
    return addr == null ? "unknown" : addr.hostAddress();
  }
}
