package io.hotpath.webhook;

import io.hotpath.jobs.Job;
import io.hotpath.jobs.JobHandler;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code webhook.deliver} job: one POST of the event JSON to one subscription, signed with
 * {@code X-Hotpath-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}, to the address
 * {@link Targets} resolved and checked just now (never a second lookup). Redirects are not
 * followed. The subscription's {@code lastError} says only "HTTP status" or that no HTTP answer
 * came: which ports are open and what names resolve to stays in the log.
 */
final class WebhookDelivery implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
  static final String NO_ANSWER = "no HTTP response (the target could not be reached in time)";

  private final WebhookRepository repo;
  private final Targets targets;
  private final WebClient client;
  private final int timeoutMs;
  private final Clock clock;

  WebhookDelivery(
      WebhookRepository repo, Targets targets, WebClient client, int timeoutMs, Clock clock) {
    this.repo = repo;
    this.targets = targets;
    this.client = client;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  @Override
  public Future<Void> handle(Job job) {
    long id = job.payload().getLong("webhookId");
    String event = job.payload().getString("event");
    String body = job.payload().getJsonObject("body").encode();
    return repo.forDelivery(id)
        .compose(
            sub -> {
              if (sub == null) {
                return Future.succeededFuture(); // unsubscribed meanwhile: nothing to deliver
              }
              return targets
                  .resolve(sub[0])
                  .compose(t -> post(t, sub[1], event, job.id(), body))
                  .transform(ar -> outcome(id, ar));
            });
  }

  private Future<Integer> post(
      Targets.Resolved t, String secret, String event, long delivery, String body) {
    long now = clock.instant().getEpochSecond();
    var options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setServer(SocketAddress.inetSocketAddress(t.port(), t.address().getHostAddress()))
            .setHost(
                t.host().startsWith("[") ? t.host().substring(1, t.host().length() - 1) : t.host())
            .setPort(t.port())
            .setSsl(t.ssl())
            .setURI(t.pathAndQuery());
    return client
        .request(HttpMethod.POST, options)
        .timeout(timeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Hotpath-Event", event)
        .putHeader("X-Hotpath-Delivery", Long.toString(delivery))
        .putHeader("X-Hotpath-Signature", "t=" + now + ",v1=" + sign(secret, now + "." + body))
        .sendBuffer(Buffer.buffer(body))
        .map(r -> r.statusCode());
  }

  /** Records the outcome on the subscription; a non-2xx or no answer fails the job (retried). */
  private Future<Void> outcome(long id, io.vertx.core.AsyncResult<Integer> ar) {
    Integer status = ar.succeeded() ? ar.result() : null;
    String error;
    if (ar.failed()) {
      error = ar.cause() instanceof Targets.Refused r ? r.getMessage() : NO_ANSWER;
      LOG.info("webhook {} delivery failed: {}", id, ar.cause().toString());
    } else {
      error = status / 100 == 2 ? null : "HTTP " + status;
    }
    return repo.record(id, status, error)
        .compose(
            x ->
                error == null
                    ? Future.succeededFuture()
                    : Future.failedFuture("webhook " + id + " delivery failed: " + error));
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
