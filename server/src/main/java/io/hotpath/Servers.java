package io.hotpath;

import io.hotpath.config.Config;
import io.hotpath.http.Admission;
import io.hotpath.http.HttpApi;
import io.hotpath.http.HttpVerticle;
import io.hotpath.http.RateLimits;
import io.hotpath.http.Representations;
import io.hotpath.http.Viewer;
import io.hotpath.http.WriterFence;
import io.hotpath.ops.LogFormat;
import io.hotpath.ops.RequestTelemetry;
import io.hotpath.replica.ReadYourWrites;
import io.hotpath.replica.WriteMarks;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The HTTP servers: one API server per event loop (all on PORT), and, with MANAGEMENT_PORT, one
 * more for /metrics and /status (health answers on both, for load balancers).
 */
record Servers(int port, int managementPort, Admission admission) {

  static Servers start(Infrastructure infra, Features features, Config config) {
    var http = config.http();
    var admission =
        new Admission(http.maxInflight(), http.requestTimeout().toMillis(), infra.registry());
    var common =
        new HttpApi.Common(
            new RequestTelemetry(
                config.ops().slowRequest(),
                switch (config.ops().accessLog()) {
                  case "on" -> true;
                  case "off" -> false;
                  default -> LogFormat.stdoutIsTerminal();
                },
                infra.telemetry()),
            admission,
            config.limits().enabled()
                ? new RateLimits(
                    infra.vertx(),
                    infra.caches().redis(),
                    config.limits(),
                    http.trustProxy(),
                    infra.registry(),
                    infra.time().ticker())
                : RateLimits.off(),
            Viewer.authenticate(features.tokens(), features.tokenVersions()),
            afterAuthentication(infra, config),
            http.bodyLimitBytes(),
            http.sharedMaxAgeSeconds(),
            new Representations(
                config.cache().enabled() ? http.responseCacheBytes() : 0,
                http.compression(),
                http.compressionMinBytes(),
                http.verifyCachedResponses(),
                infra.registry()),
            infra.errors());
    var apiRoutes = new ArrayList<>(features.api());
    List<Consumer<Router>> opsRoutes = features.ops();
    int managementPort = -1;
    if (http.separateManagement()) {
      apiRoutes.add(features.health()); // load balancers probe the API port
      managementPort =
          deploy(
              infra,
              http.managementHost(),
              http.managementPort(),
              1,
              -1,
              () -> HttpApi.router(infra.vertx(), common, opsRoutes));
    } else {
      apiRoutes.addAll(opsRoutes);
    }
    int port =
        deploy(
            infra,
            http.host(),
            http.port(),
            http.eventLoops(),
            http.compression() ? http.compressionMinBytes() : -1,
            () -> HttpApi.router(infra.vertx(), common, apiRoutes));
    return new Servers(port, managementPort, admission);
  }

  /** Read-your-writes across instances, when a replica serves reads. */
  private static List<Handler<RoutingContext>> afterAuthentication(
      Infrastructure infra, Config config) {
    if (infra.database().replica().isEmpty()) {
      return List.of();
    }
    var marks =
        new WriteMarks(
            infra.caches().redis(), config.replica().maxLag(), config.http().requestTimeout());
    return List.of(new WriterFence(new ReadYourWrites(marks, infra.time().clock())));
  }

  private static int deploy(
      Infrastructure infra,
      String host,
      int port,
      int instances,
      int compressionMinBytes,
      java.util.function.Supplier<Router> router) {
    var actual = new AtomicInteger();
    infra
        .vertx()
        .deployVerticle(
            () -> new HttpVerticle(router, host, port, compressionMinBytes, actual),
            new DeploymentOptions().setInstances(instances))
        .await();
    return actual.get();
  }
}
