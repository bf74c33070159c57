package io.hotpath.export;

import io.hotpath.config.Config;
import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rules of exports: how many may stream at once (per instance, per user; each holds a database
 * connection), how many one user may have queued (identical requests are the same export), and who
 * may see one (its owner, nobody else, and only export jobs).
 */
final class ExportService {
  private final Db db;
  private final ExportRepository repo;
  private final ExportStream stream;
  private final JobQueue jobs;
  private final Config.Exports limits;
  private final AtomicInteger streaming = new AtomicInteger();
  private final ConcurrentHashMap<Long, AtomicInteger> streamingByUser = new ConcurrentHashMap<>();

  ExportService(Db db, ExportStream stream, JobQueue jobs, Config.Exports limits) {
    this.db = db;
    this.repo = new ExportRepository(db);
    this.stream = stream;
    this.jobs = jobs;
    this.limits = limits;
  }

  /** What a request asked to export. */
  record Request(long owner, String format, String author) {}

  /**
   * Streams the export into {@code out} if the instance and the user have room (429 when the user
   * already streams as many as allowed, 503 when the instance does); the slot is given back however
   * the stream ends.
   */
  Future<Long> stream(Request r, WriteStream<Buffer> out, Future<?> cancelled) {
    var mine = streamingByUser.computeIfAbsent(r.owner(), k -> new AtomicInteger());
    if (mine.incrementAndGet() > limits.streamsPerUser()) {
      release(r.owner(), mine, false);
      return Future.failedFuture(new ApiException.TooManyRequests("export", 5));
    }
    if (streaming.incrementAndGet() > limits.streamsPerInstance()) {
      release(r.owner(), mine, true);
      return Future.failedFuture(new ApiException.Unavailable("export (all slots busy)", null));
    }
    return stream
        .write(r.format(), r.author(), out, cancelled)
        .andThen(ar -> release(r.owner(), mine, true));
  }

  private void release(long owner, AtomicInteger mine, boolean instance) {
    if (instance) {
      streaming.decrementAndGet();
    }
    if (mine.decrementAndGet() <= 0) {
      streamingByUser.remove(owner, mine);
    }
  }

  /**
   * Queues the export as a job and returns its id: the pending one when the same export is already
   * queued or running for this user, else a new one if the user is under the quota (429 otherwise).
   */
  Future<Long> queue(Request r) {
    return db.inTransaction(
        tx ->
            ExportRepository.pending(tx, r.owner())
                .compose(
                    pending -> {
                      for (var p : pending) {
                        if (p.format().equals(r.format())
                            && Objects.equals(p.author(), r.author())) {
                          return Future.succeededFuture(p.id());
                        }
                      }
                      if (pending.size() >= limits.queuedPerUser()) {
                        return Future.failedFuture(new ApiException.TooManyRequests("export", 60));
                      }
                      return jobs.enqueue(
                          tx,
                          ExportJob.KIND,
                          new JsonObject()
                              .put("userId", r.owner())
                              .put("format", r.format())
                              .put("author", r.author()));
                    }));
  }

  /** The owner's finished export, or null when it is not finished (or not theirs). */
  Future<ExportRepository.Finished> finished(long job, long owner) {
    return repo.finished(job, owner);
  }

  /**
   * The state of the owner's unfinished export job, or null when there is no such export of theirs
   * (or it finished and has expired: a done job whose file is gone).
   */
  Future<JsonObject> status(long job, long owner) {
    return repo.status(job, owner)
        .map(
            row ->
                row == null || "done".equals(row.getString("status"))
                    ? null
                    : new JsonObject()
                        .put("id", job)
                        .put("status", row.getString("status"))
                        .put("attempts", row.getInteger("attempts")));
  }
}
