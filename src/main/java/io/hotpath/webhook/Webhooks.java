package io.hotpath.webhook;

import io.hotpath.db.Db;
import io.hotpath.db.Sql;
import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.hotpath.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook delivery: each subscription gets its own {@code webhook.deliver} job per event (fanned
 * out in the transaction that stores the notification), so a slow or failing target never blocks
 * the request that caused the event, and is retried with backoff until its job is dead.
 *
 * <p>A delivery is a POST of the event JSON with {@code X-Hotpath-Signature: t=<unix seconds>,
 * v1=<hex HMAC-SHA256 of "t.body" with the subscription's secret>}; receivers recompute it and
 * reject old timestamps. Targets that resolve to private, loopback, link-local or multicast
 * addresses are refused unless WEBHOOKS_ALLOW_PRIVATE=true (SSRF guard); every resolved address is
 * checked, and redirects are not followed.
 */
public final class Webhooks implements JobHandler {
  public static final String KIND = "webhook.deliver";

  private final JobQueue jobs;
  private final WebhookRepository repo;
  private final WebClient client;
  private final WorkerExecutor io;
  private final boolean allowPrivate;
  private final Clock clock;
  private final int timeoutMs;

  public Webhooks(
      Vertx vertx,
      Db db,
      JobQueue jobs,
      WorkerExecutor io,
      boolean allowPrivate,
      int timeoutMs,
      Clock clock) {
    this.jobs = jobs;
    this.repo = new WebhookRepository(db);
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setFollowRedirects(false)
                .setConnectTimeout(timeoutMs)
                .setUserAgent("hotpath-webhooks/1"));
    this.io = io;
    this.allowPrivate = allowPrivate;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  WebhookRepository repo() {
    return repo;
  }

  boolean allowPrivate() {
    return allowPrivate;
  }

  /**
   * Queues one delivery per subscription of {@code user} to {@code event}, in the caller's
   * transaction.
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
                        new JsonObject().put("webhookId", id).put("event", event).put("body", body),
                        null));
              }
              return Future.all(all).mapEmpty();
            });
  }

  @Override
  public Future<Void> handle(Job job) {
    long id = job.payload().getLong("webhookId");
    String event = job.payload().getString("event");
    String body = job.payload().getJsonObject("body").encode();
    return repo.forDelivery(id)
        .compose(
            target -> {
              if (target == null) {
                return Future.succeededFuture(); // unsubscribed meanwhile: nothing to deliver
              }
              String url = target[0];
              return checkTarget(url)
                  .compose(
                      v -> {
                        long t = clock.instant().getEpochSecond();
                        String signature = "t=" + t + ",v1=" + sign(target[1], t + "." + body);
                        return client
                            .postAbs(url)
                            .timeout(timeoutMs)
                            .putHeader("Content-Type", "application/json")
                            .putHeader("X-Hotpath-Event", event)
                            .putHeader("X-Hotpath-Delivery", Long.toString(job.id()))
                            .putHeader("X-Hotpath-Signature", signature)
                            .sendBuffer(Buffer.buffer(body));
                      })
                  .transform(
                      ar -> {
                        Integer status = ar.succeeded() ? ar.result().statusCode() : null;
                        String error =
                            ar.succeeded()
                                ? (status / 100 == 2 ? null : "HTTP " + status)
                                : String.valueOf(ar.cause().getMessage());
                        return repo.record(id, status, error)
                            .compose(
                                x ->
                                    error == null
                                        ? Future.succeededFuture()
                                        : Future.failedFuture(
                                            "webhook "
                                                + id
                                                + " delivery to "
                                                + url
                                                + " failed: "
                                                + error));
                      });
            });
  }

  /** Fails for URLs that are not http(s) or that resolve to addresses the SSRF guard refuses. */
  Future<Void> checkTarget(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture("not a URL: " + url);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      return Future.failedFuture("only http(s) URLs with a host are allowed");
    }
    if (allowPrivate) {
      return Future.succeededFuture();
    }
    return io.executeBlocking(
        () -> {
          for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
            if (a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()
                || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc)) {
              throw new IllegalArgumentException(
                  "target "
                      + uri.getHost()
                      + " resolves to a private address ("
                      + a.getHostAddress()
                      + "); set WEBHOOKS_ALLOW_PRIVATE=true to allow");
            }
          }
          return null;
        },
        false);
  }

  static String sign(String secret, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
