package io.hotpath.user;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

/**
 * bcrypt hashing on the CPU worker pool, never on an event loop (one hash costs tens of ms).
 * Passwords longer than bcrypt's 72 bytes are pre-hashed with SHA-512 rather than truncated.
 */
public final class PasswordHasher {
  private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2A;
  private static final BCrypt.Hasher HASHER =
      BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION));
  private static final BCrypt.Verifyer VERIFYER =
      BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION));

  private final WorkerExecutor cpu;
  private final int cost;
  private final String dummyHash;
  private final int maxQueued;
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * At most {@code maxQueued} hashes waiting or running; beyond that a hash fails at once with a
   * 503 (login bursts beyond capacity are shed, not queued into minutes of latency).
   */
  public PasswordHasher(WorkerExecutor cpu, int cost, int maxQueued) {
    this.cpu = cpu;
    this.cost = cost;
    this.maxQueued = maxQueued;
    this.dummyHash = hashNow("not-a-real-password", cost);
  }

  /** The bcrypt hash of {@code password}, computed on the worker pool. */
  public Future<String> hash(String password) {
    return bounded(() -> hashNow(password, cost));
  }

  /**
   * Whether {@code password} matches {@code hash}. With a null hash (unknown user) it still spends
   * one verification, so response time does not reveal which e-mail addresses exist.
   */
  public Future<Boolean> verify(String password, String hash) {
    return bounded(
        () -> {
          boolean ok =
              VERIFYER.verify(
                      password.toCharArray(), (hash == null ? dummyHash : hash).toCharArray())
                  .verified;
          return ok && hash != null;
        });
  }

  private <T> Future<T> bounded(java.util.concurrent.Callable<T> work) {
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return Future.failedFuture(
          new io.hotpath.error.ApiException.Unavailable("password hashing (busy)", null));
    }
    return cpu.executeBlocking(work, false).andThen(ar -> queued.decrementAndGet());
  }

  /** Blocking hash, for tools that run off the event loop (the data generator). */
  public static String hashNow(String password, int cost) {
    return HASHER.hashToString(cost, password.toCharArray());
  }
}
