package io.hotpath.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.hotpath.cache.RedisLink;
import io.hotpath.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Rate limits with Bucket4j token buckets: a general per-client limit, a much stricter one on login
 * and registration per client, and one on login per account (e-mail). Buckets are local in the
 * single-node default and shared through Redis when REDIS_URL is set; if Redis fails, the local
 * buckets take over for that request (limits stay, only per-instance).
 *
 * <p>Every limited response carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code
 * RateLimit-Reset}; a refusal is 429 with {@code Retry-After}.
 */
public final class RateLimits {
  private final Vertx vertx;
  private final Limit general;
  private final Limit auth;
  private final Limit account;
  private final Cache<String, Bucket> local =
      Caffeine.newBuilder()
          .maximumSize(1_000_000)
          .expireAfterAccess(Duration.ofMinutes(10))
          .build();
  private final RedisLink redis;
  private final AsyncProxyManager<String> shared;
  private final boolean trustProxy;

  record Limit(String name, long capacity, Duration period, BucketConfiguration config) {
    static Limit of(String name, long capacity, Duration period) {
      var bandwidth = Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build();
      return new Limit(
          name, capacity, period, BucketConfiguration.builder().addLimit(bandwidth).build());
    }
  }

  public RateLimits(
      Vertx vertx,
      RedisLink redis,
      int perSecond,
      int authPerMinute,
      int loginPerAccountPerMinute,
      boolean trustProxy) {
    this.vertx = vertx;
    this.trustProxy = trustProxy;
    this.redis = redis;
    this.general = Limit.of("request", perSecond, Duration.ofSeconds(1));
    this.auth = Limit.of("auth", authPerMinute, Duration.ofMinutes(1));
    this.account = Limit.of("login", loginPerAccountPerMinute, Duration.ofMinutes(1));
    this.shared =
        redis == null
            ? null
            : LettuceBasedProxyManager.builderFor(redis.connection())
                .withExpirationStrategy(
                    ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build()
                .asAsync();
  }

  /** The per-client limit for every API request. */
  public Handler<RoutingContext> perClient() {
    return ctx -> check(ctx, general, "rl:req:" + client(ctx));
  }

  /** The stricter per-client limit for login and registration. */
  public Handler<RoutingContext> authPerClient() {
    return ctx -> check(ctx, auth, "rl:auth:" + client(ctx));
  }

  /**
   * The per-account login limit, keyed by the e-mail in the body (malformed bodies pass to
   * validation).
   */
  public Handler<RoutingContext> loginPerAccount() {
    return ctx -> {
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
      if (email == null || email.isEmpty()) {
        ctx.next();
      } else {
        check(ctx, account, "rl:acct:" + email);
      }
    };
  }

  private void check(RoutingContext ctx, Limit limit, String key) {
    consume(limit, key)
        .onComplete(
            ar -> {
              ConsumptionProbe p =
                  ar.succeeded() ? ar.result() : local(limit, key).tryConsumeAndReturnRemaining(1);
              var r = ctx.response();
              r.putHeader("RateLimit-Limit", Long.toString(limit.capacity()));
              r.putHeader("RateLimit-Remaining", Long.toString(p.getRemainingTokens()));
              long resetSeconds =
                  Math.max(0, (p.getNanosToWaitForReset() + 999_999_999L) / 1_000_000_000L);
              r.putHeader("RateLimit-Reset", Long.toString(resetSeconds));
              if (p.isConsumed()) {
                ctx.next();
              } else {
                long retry =
                    Math.max(1, (p.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
                ctx.fail(new ApiException.TooManyRequests(limit.name(), retry));
              }
            });
  }

  private Future<ConsumptionProbe> consume(Limit limit, String key) {
    if (shared == null || !redis.available()) {
      return Future.succeededFuture(local(limit, key).tryConsumeAndReturnRemaining(1));
    }
    CompletableFuture<ConsumptionProbe> cf =
        shared
            .builder()
            .build(key, () -> CompletableFuture.completedFuture(limit.config()))
            .tryConsumeAndReturnRemaining(1);
    return Future.fromCompletionStage(cf, vertx.getOrCreateContext());
  }

  private Bucket local(Limit limit, String key) {
    return local.get(
        key, k -> Bucket.builder().addLimit(limit.config().getBandwidths()[0]).build());
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
