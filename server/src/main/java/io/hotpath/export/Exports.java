package io.hotpath.export;

import io.hotpath.config.Config;
import io.hotpath.db.Db;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The export feature's public face: its routes (stream now, queue as a job, download), its job
 * handler, and the retention sweep it runs while open. Everything else in the package is its own.
 */
public final class Exports implements AutoCloseable {
  private final ExportRoutes routes;
  private final ExportJob job;
  private final ExportRetention retention;

  /**
   * Exports of {@code db}'s articles; cursors run on connections opened with {@code cursorOptions};
   * files live in {@code folder}.
   */
  public Exports(
      Vertx vertx,
      Db db,
      PgConnectOptions cursorOptions,
      JobQueue jobs,
      Config.Exports config,
      Path folder,
      Clock clock) {
    var stream = new ExportStream(vertx, cursorOptions);
    var repo = new ExportRepository(db);
    this.routes = new ExportRoutes(new ExportService(db, stream, jobs, config));
    this.job = new ExportJob(vertx, stream, repo, folder);
    this.retention = new ExportRetention(vertx, repo, folder, config.retention(), clock);
  }

  /** The export endpoints (mount before /api/articles/:slug). */
  public Consumer<Router> routes() {
    return routes;
  }

  /** The handler of {@link ExportJob#KIND} jobs. */
  public JobHandler job() {
    return job;
  }

  @Override
  public void close() {
    retention.close();
  }
}
