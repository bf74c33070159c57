package io.hotpath.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hotpath's Redis, through Lettuce (async, one multiplexed connection, commands pipelined by
 * default) behind a {@link Breaker}. Every call has a short timeout and fails fast while Redis is
 * down; callers treat a failed call as a cache miss, never as a failed request. Results come back
 * on the calling Vert.x context.
 */
final class LettuceRedis implements RedisLink {
  private static final Logger LOG = LoggerFactory.getLogger(LettuceRedis.class);

  private final Vertx vertx;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> conn;
  private final RedisAsyncCommands<String, byte[]> cmd;
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final Breaker breaker;
  private final io.hotpath.kernel.Observer observer;
  private final long probeTimer;

  /** Connects (failing fast if Redis is unreachable at start) and subscribes to {@code channel}. */
  LettuceRedis(
      Vertx vertx,
      String url,
      Duration timeout,
      String channel,
      BiConsumer<String, String> onMessage,
      Function<Runnable, Breaker> breakerFactory,
      Runnable onRecovery,
      io.hotpath.kernel.Observer observer) {
    this.vertx = vertx;
    this.observer = observer;
    // reconnect attempts back off to at most 1 s (Lettuce's default cap is 30 s): after an outage
    // the cache should come back within about a second of Redis
    this.resources =
        DefaultClientResources.builder()
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources, url);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
    this.conn = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    this.cmd = conn.async();
    this.pubsub = client.connectPubSub();
    pubsub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String ch, String message) {
            onMessage.accept(ch, message);
          }
        });
    subscribe(pubsub, channel, timeout);
    this.breaker = breakerFactory.apply(onRecovery);
    // while the breaker is open, probe on a timer too: recovery must not wait for traffic that
    // happens to miss L1
    this.probeTimer =
        vertx.setPeriodic(
            250,
            id -> {
              if (breaker.isOpen()) {
                ping();
              }
            });
    LOG.info(
        "Redis connected at {} (timeout {} ms)",
        url.replaceAll("://[^@]*@", "://<masked>@"),
        timeout.toMillis());
  }

  /**
   * Subscribes, retrying timed-out attempts for up to {@link #STARTUP_BUDGET}: the command timeout
   * is tuned for serving (100 ms by default), and one slow SUBSCRIBE on a busy machine must not
   * kill a restarting instance (seen in the rolling-restart fault test). SUBSCRIBE is idempotent.
   */
  private static void subscribe(
      StatefulRedisPubSubConnection<String, String> pubsub, String channel, Duration timeout) {
    long deadline = System.nanoTime() + STARTUP_BUDGET.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        pubsub.sync().subscribe(channel);
        return;
      } catch (io.lettuce.core.RedisCommandTimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LOG.warn(
            "Redis SUBSCRIBE timed out after {} ms (attempt {}), retrying",
            timeout.toMillis(),
            attempt);
      }
    }
  }

  /** How long start-up keeps retrying the initial SUBSCRIBE before giving up. */
  static final Duration STARTUP_BUDGET = Duration.ofSeconds(10);

  @Override
  public Optional<StatefulRedisConnection<String, byte[]>> connection() {
    return Optional.of(conn);
  }

  @Override
  public boolean configured() {
    return true;
  }

  @Override
  public boolean available() {
    return !breaker.isOpen();
  }

  @Override
  public Future<List<KeyValue<String, byte[]>>> mget(List<String> keys) {
    return call("MGET", () -> cmd.mget(keys.toArray(String[]::new)));
  }

  @Override
  public Future<byte[]> get(String key) {
    return call("GET", () -> cmd.get(key));
  }

  @Override
  public Future<Void> setAll(Map<String, byte[]> values, Function<String, Long> ttlMillis) {
    if (values.isEmpty()) {
      return Future.succeededFuture();
    }
    return call(
        "SET",
        () -> {
          List<io.lettuce.core.RedisFuture<String>> all = new ArrayList<>(values.size());
          values.forEach((k, v) -> all.add(cmd.set(k, v, SetArgs.Builder.px(ttlMillis.apply(k)))));
          return all.get(all.size() - 1).thenApply(x -> (Void) null);
        });
  }

  @Override
  public Future<Boolean> tryLock(String key, long ttlMillis) {
    return call("SET NX", () -> cmd.set(key, new byte[] {1}, SetArgs.Builder.nx().px(ttlMillis)))
        .map("OK"::equals);
  }

  @Override
  public Future<Void> del(Collection<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return call("DEL", () -> cmd.del(keys.toArray(String[]::new))).mapEmpty();
  }

  @Override
  public Future<Long> publish(String channel, String message) {
    return call(
        "PUBLISH",
        () -> cmd.publish(channel, message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public Future<Void> ping() {
    return call("PING", () -> cmd.ping()).mapEmpty();
  }

  private <T> Future<T> call(String name, java.util.function.Supplier<CompletionStage<T>> command) {
    if (!breaker.allow()) {
      return Future.failedFuture(new IllegalStateException("Redis circuit open"));
    }
    var observed = observer.start("redis", name);
    CompletionStage<T> stage;
    try {
      stage = command.get();
    } catch (RuntimeException e) {
      breaker.failure();
      observed.end(e);
      return Future.failedFuture(e);
    }
    var ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(stage, ctx)
        .andThen(
            ar -> {
              observed.end(ar.cause());
              if (ar.succeeded()) {
                breaker.success();
              } else {
                breaker.failure();
              }
            });
  }

  @Override
  public void close() {
    vertx.cancelTimer(probeTimer);
    pubsub.close();
    conn.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
