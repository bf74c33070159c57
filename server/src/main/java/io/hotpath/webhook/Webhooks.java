package io.hotpath.webhook;

import io.hotpath.config.Config;
import io.hotpath.db.Db;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The webhook feature's public face: subscriptions (routes), the fan-out that notifications put in
 * their own statement, and the delivery job. Each subscription gets its own {@code webhook.deliver}
 * job per event, so a slow or failing target never blocks the request that caused the event, and is
 * retried with backoff until its job is dead. Targets must resolve to public addresses only,
 * checked at subscription and again at every delivery ({@link Targets}).
 */
public final class Webhooks implements AutoCloseable {
  public static final String KIND = "webhook.deliver";

  private final JobQueue jobs;
  private final WebClient client;
  private final WebhookRoutes routes;
  private final WebhookDelivery delivery;

  public Webhooks(
      Vertx vertx, Db db, JobQueue jobs, WorkerExecutor io, Config.Webhooks config, Clock clock) {
    this.jobs = jobs;
    var repo = new WebhookRepository(db);
    var targets = new Targets(io, Addresses.ofThisHost(), config.allowPrivate());
    int timeout = (int) config.timeout().toMillis();
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setFollowRedirects(false)
                .setConnectTimeout(timeout)
                .setForceSni(true)
                .setVerifyHost(true)
                .setUserAgent("hotpath-webhooks/1"));
    this.routes = new WebhookRoutes(new WebhookService(db, repo, targets, config.perUser()));
    this.delivery = new WebhookDelivery(repo, targets, client, timeout, clock);
  }

  /** The subscription endpoints. */
  public Consumer<Router> routes() {
    return routes;
  }

  /** The handler of {@link #KIND} jobs. */
  public JobHandler job() {
    return delivery;
  }

  /**
   * WITH items that queue one delivery per subscription of a user to an event inside the caller's
   * statement: a {@code webhook_deliveries} row per subscribed webhook, once per cause job (a
   * re-run cause claims nothing twice), and a {@link #KIND} job for each new row, so the deliveries
   * exist exactly when the caller's write commits. The arguments are SQL expressions of the
   * caller's statement (its parameters): {@code user} bigint, {@code event} text, {@code causeJob}
   * bigint, {@code body} a jsonb object; the jobs' own parameters ({@link JobQueue#insertArgs})
   * from {@code first}.
   */
  public static String fanOutItems(
      String user, String event, String causeJob, String body, int first) {
    return """
        webhook_claimed AS (%s),
        webhook_jobs AS (%s)"""
        .formatted(
            WebhookRepository.claimDeliveries(user, event, causeJob),
            JobQueue.insertFrom(
                """
                SELECT '%s' AS kind,
                       jsonb_build_object('webhookId', w.webhook_id, 'event', %s::text, 'body', %s) AS payload
                FROM webhook_claimed w"""
                    .formatted(KIND, event, body),
                first));
  }

  @Override
  public void close() {
    client.close();
  }
}
