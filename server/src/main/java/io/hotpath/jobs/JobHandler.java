package io.hotpath.jobs;

import io.vertx.core.Future;

/**
 * Runs one kind of job. Delivery is at least once (a job whose worker died runs again), so a
 * handler must be idempotent: e.g. insert with a unique key on the job id, or check before acting.
 * A failed future is retried with backoff, and the job is dead after its last attempt.
 */
public interface JobHandler {
  /** Does the job's work; never blocks the calling event loop. */
  Future<Void> handle(Job job);

  /**
   * As {@link #handle(Job)}, told by {@code cancelled} completing that the worker gave up on this
   * run (its lease is about to end, or the worker is stopping): a handler holding a resource (a
   * cursor, a file) releases it then, since the job will run again elsewhere.
   */
  default Future<Void> handle(Job job, Future<?> cancelled) {
    return handle(job);
  }
}
