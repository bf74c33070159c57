package io.hotpath.export;

import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import java.nio.file.Path;

/**
 * The {@code export} job: writes DATA_DIR/exports/{job}.{ext} from the same stream as a download
 * and records it for its owner. A failed run closes and deletes its partial file; a re-run (at
 * least once) truncates and writes it again.
 */
public final class ExportJob implements JobHandler {
  public static final String KIND = "export";

  private final Vertx vertx;
  private final ExportStream stream;
  private final ExportRepository repo;
  private final Path folder;

  ExportJob(Vertx vertx, ExportStream stream, ExportRepository repo, Path folder) {
    this.vertx = vertx;
    this.stream = stream;
    this.repo = repo;
    this.folder = folder;
  }

  @Override
  public Future<Void> handle(Job job) {
    return handle(job, Promise.<Void>promise().future());
  }

  /** Writes the file; stops (closing the cursor, deleting the partial file) if cancelled. */
  @Override
  public Future<Void> handle(Job job, Future<?> cancelled) {
    String format = job.payload().getString("format", "ndjson");
    long owner = job.payload().getLong("userId");
    String file = folder.resolve(job.id() + ("csv".equals(format) ? ".csv" : ".ndjson")).toString();
    var fs = vertx.fileSystem();
    return fs.mkdirs(folder.toString())
        .compose(v -> fs.open(file, new OpenOptions().setTruncateExisting(true).setCreate(true)))
        .compose(
            f -> {
              Promise<Void> broken = Promise.promise();
              f.exceptionHandler(t -> broken.tryComplete());
              cancelled.onComplete(x -> broken.tryComplete());
              return stream
                  .write(format, job.payload().getString("author"), f, broken.future())
                  .transform(
                      ar ->
                          f.close()
                              .transform(
                                  closed ->
                                      ar.succeeded() && closed.succeeded()
                                          ? Future.succeededFuture(ar.result())
                                          : deleted(
                                              file, ar.failed() ? ar.cause() : closed.cause())));
            })
        .compose(rows -> repo.record(job.id(), owner, format, file, rows));
  }

  private Future<Long> deleted(String file, Throwable cause) {
    return vertx.fileSystem().delete(file).transform(x -> Future.failedFuture(cause));
  }
}
