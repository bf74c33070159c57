package io.hotpath.webhook;

import io.hotpath.config.Config;
import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * The webhook feature's public face: subscriptions (routes), the fan-out that notifications call in
 * their own transaction, and the delivery job. Each subscription gets its own {@code
 * webhook.deliver} job per event, so a slow or failing target never blocks the request that caused
 * the event, and is retried with backoff until its job is dead. Targets must resolve to public
 * addresses only, checked at subscription and again at every delivery ({@link Targets}).
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
   * Queues one delivery per subscription of {@code user} to {@code event}, in the caller's
   * transaction; {@code causeJobId} makes it idempotent (a re-run cause queues nothing twice).
   */
  public Future<Void> fanOut(Sql tx, long user, String event, long causeJobId, JsonObject body) {
    return WebhookRepository.claimDeliveries(tx, causeJobId, user, event)
        .compose(
            ids -> {
              var all = new ArrayList<Future<Long>>();
              for (Long id : ids) {
                all.add(
                    jobs.enqueue(
                        tx,
                        KIND,
                        new JsonObject()
                            .put("webhookId", id)
                            .put("event", event)
                            .put("body", body)));
              }
              return Future.all(all).mapEmpty();
            });
  }

  @Override
  public void close() {
    client.close();
  }
}
