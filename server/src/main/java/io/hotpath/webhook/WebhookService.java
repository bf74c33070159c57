package io.hotpath.webhook;

import io.hotpath.db.Db;
import io.hotpath.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** Subscriptions: at most a cap per user, each target checked before it is stored. */
final class WebhookService {
  private final Db db;
  private final WebhookRepository repo;
  private final Targets targets;
  private final int perUser;
  private final SecureRandom random = new SecureRandom();

  WebhookService(Db db, WebhookRepository repo, Targets targets, int perUser) {
    this.db = db;
    this.repo = repo;
    this.targets = targets;
    this.perUser = perUser;
  }

  /** Subscribes {@code url}; 422 for a refused target or when the user is at the cap. */
  Future<JsonObject> subscribe(long user, String url, List<String> events) {
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    return targets
        .resolve(url)
        .recover(
            t ->
                Future.failedFuture(
                    t instanceof Targets.Refused
                        ? new ApiException.Invalid("url", Targets.REFUSED)
                        : t))
        .compose(
            v ->
                db.inTransaction(
                    tx ->
                        WebhookRepository.create(
                            tx, user, url, events, HexFormat.of().formatHex(secret), perUser)))
        .compose(
            w ->
                w != null
                    ? Future.succeededFuture(w)
                    : Future.failedFuture(
                        new ApiException.Invalid(
                            "webhook", "limit reached (at most " + perUser + " per user)")));
  }

  Future<List<JsonObject>> list(long user) {
    return repo.list(user);
  }

  Future<Boolean> delete(long id, long user) {
    return repo.delete(id, user);
  }
}
