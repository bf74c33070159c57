package io.hotpath.ops;

import io.hotpath.cache.RedisLink;
import io.hotpath.db.Db;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the database answers and has
 * the migrations applied, and the instance is not shutting down. Redis is reported but never fails
 * readiness: every instance shares it and serves without it (L1 and the database, behind the
 * breaker), so a Redis outage failing readiness would make an active-checking balancer take the
 * whole fleet out at once; it shows as {@code warn}. Both answer {@code application/health+json}
 * with each check's status and duration, 200 when none fails and 503 otherwise (checks time out
 * after 1 s, so readiness never hangs).
 */
public final class Health implements Consumer<Router> {
  static final String MIGRATED =
      "SELECT coalesce(bool_and(success), false) AS ok, count(*) AS n FROM flyway_schema_history";
  private static final String CONTENT_TYPE = "application/health+json";

  /** In a check's data: it passed degraded (health+json's "warn"). */
  private static final String WARN = "warn";

  private final HealthChecks ready;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final java.util.function.LongSupplier ticker;

  public Health(Vertx vertx, Db db, RedisLink redis, java.util.function.LongSupplier ticker) {
    this.ticker = ticker;
    this.ready = HealthChecks.create(vertx);
    ready.register(
        "database",
        1000,
        p ->
            timed(
                db.query(MIGRATED, Tuple.tuple())
                    .map(
                        rs -> {
                          var row = rs.iterator().next();
                          if (!row.getBoolean("ok") || row.getLong("n") == 0) {
                            throw new IllegalStateException("migrations not (all) applied");
                          }
                          return new JsonObject().put("migrations", row.getLong("n"));
                        }),
                p));
    ready.register(
        "redis",
        1000,
        p -> {
          if (!redis.configured()) {
            p.complete(Status.OK(new JsonObject().put("mode", "absent (single node)")));
          } else {
            timed(
                redis
                    .ping()
                    .map(
                        v -> new JsonObject().put("breaker", redis.available() ? "closed" : "open"))
                    .recover(
                        t ->
                            Future.succeededFuture(
                                new JsonObject()
                                    .put(WARN, true)
                                    .put("error", String.valueOf(t.getMessage()))
                                    .put("serving", "without Redis: local cache and database"))),
                p);
          }
        });
    ready.register(
        "shutdown",
        p ->
            p.complete(
                shuttingDown.get()
                    ? Status.KO(new JsonObject().put("reason", "shutting down"))
                    : Status.OK()));
  }

  /**
   * Runs the readiness checks once, whatever they find: start-up calls it so the first probe from a
   * load balancer does not pay for a cold connection and statement (and log a slow query).
   */
  public Future<Void> warmUp() {
    return ready.checkStatus().<Void>mapEmpty().otherwiseEmpty();
  }

  /** Readiness goes to 503 from now on (the start of a graceful shutdown). */
  public void beginShutdown() {
    shuttingDown.set(true);
  }

  @Override
  public void accept(Router router) {
    router
        .get("/health/live")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", CONTENT_TYPE)
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("status", "pass").encode()));
    router
        .get("/health/ready")
        .handler(
            ctx ->
                ready
                    .checkStatus()
                    .onComplete(
                        ar -> {
                          JsonObject body =
                              ar.succeeded()
                                  ? render(ar.result())
                                  : new JsonObject()
                                      .put("status", "fail")
                                      .put("output", String.valueOf(ar.cause()));
                          boolean up = ar.succeeded() && ar.result().getUp();
                          ctx.response()
                              .setStatusCode(up ? 200 : 503)
                              .putHeader("Content-Type", CONTENT_TYPE)
                              .putHeader("Cache-Control", "no-store")
                              .end(body.encode());
                        }));
  }

  private void timed(Future<JsonObject> check, io.vertx.core.Promise<Status> p) {
    long t0 = ticker.getAsLong();
    check.onComplete(
        ar -> {
          var data =
              ar.succeeded()
                  ? ar.result()
                  : new JsonObject().put("error", String.valueOf(ar.cause().getMessage()));
          data.put("duration_ms", (ticker.getAsLong() - t0) / 1e6);
          p.tryComplete(ar.succeeded() ? Status.OK(data) : Status.KO(data));
        });
  }

  /** The health+json shape: status pass/fail and a list of checks with their data. */
  private static JsonObject render(CheckResult result) {
    var checks = new JsonArray();
    for (CheckResult c : result.getChecks()) {
      var json = c.toJson();
      var data = json.getJsonObject("data");
      boolean warn = data != null && Boolean.TRUE.equals(data.remove(WARN));
      var entry =
          new JsonObject()
              .put("name", c.getId())
              .put("status", !c.getUp() ? "fail" : warn ? "warn" : "pass");
      if (data != null) {
        entry.put("data", data);
      }
      checks.add(entry);
    }
    return new JsonObject().put("status", result.getUp() ? "pass" : "fail").put("checks", checks);
  }
}
