package io.hotpath.export;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished exports are kept for EXPORT_RETENTION_SECONDS, then their row and file are deleted: the
 * rows by whichever instance sweeps first, and each instance also deletes files in its own export
 * folder that are older than the retention (left by a row deleted elsewhere, or a crash).
 */
final class ExportRetention implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExportRetention.class);

  private final Vertx vertx;
  private final ExportRepository repo;
  private final Path folder;
  private final Duration retention;
  private final Clock clock;
  private final long timer;

  ExportRetention(
      Vertx vertx, ExportRepository repo, Path folder, Duration retention, Clock clock) {
    this.vertx = vertx;
    this.repo = repo;
    this.folder = folder;
    this.retention = retention;
    this.clock = clock;
    long every =
        Math.max(500, Math.min(retention.toMillis() / 2, Duration.ofMinutes(10).toMillis()));
    this.timer = vertx.setPeriodic(every, id -> sweep());
  }

  /** Deletes what has expired by now; completes with the number of files deleted. */
  Future<Integer> sweep() {
    var cutoff = OffsetDateTime.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC);
    var fs = vertx.fileSystem();
    return repo.expire(cutoff)
        .compose(
            paths -> {
              var deletions = paths.stream().map(p -> fs.delete(p).otherwise((Void) null)).toList();
              return Future.join(deletions).transform(x -> Future.succeededFuture(paths.size()));
            })
        .compose(rows -> orphans(cutoff).map(files -> rows + files))
        .onFailure(t -> LOG.warn("export retention sweep failed: {}", t.toString()));
  }

  /** Files in this instance's folder older than the cut-off; deleted. */
  private Future<Integer> orphans(OffsetDateTime cutoff) {
    var fs = vertx.fileSystem();
    long before = cutoff.toInstant().toEpochMilli();
    return fs.exists(folder.toString())
        .compose(
            exists ->
                exists
                    ? fs.readDir(folder.toString())
                    : Future.succeededFuture(java.util.List.<String>of()))
        .compose(
            files ->
                Future.join(
                        files.stream()
                            .map(
                                f ->
                                    fs.props(f)
                                        .compose(
                                            p ->
                                                p.isRegularFile() && p.lastModifiedTime() < before
                                                    ? fs.delete(f).map(1)
                                                    : Future.succeededFuture(0)))
                            .toList())
                    .map(
                        all ->
                            all.list().stream().mapToInt(o -> o == null ? 0 : (Integer) o).sum()));
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
  }
}
