package io.hotpath.http;

import com.aayushatharva.brotli4j.encoder.Encoder;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One HTTP server per event loop, all sharing the port (Vert.x balances connections between them).
 * Port 0 is turned into Vert.x's "random but shared" port (-1) so all instances agree.
 */
public final class HttpVerticle extends VerticleBase {
  private final Supplier<Router> routers;
  private final String host;
  private final int port;
  private final AtomicInteger actualPort;
  private HttpServer server;

  private final int compressionMinBytes;

  /**
   * A server for {@code routers}; compression above {@code compressionMinBytes} (negative: off).
   */
  public HttpVerticle(
      Supplier<Router> routers,
      String host,
      int port,
      int compressionMinBytes,
      AtomicInteger actualPort) {
    this.routers = routers;
    this.compressionMinBytes = compressionMinBytes;
    this.host = host;
    this.port = port == 0 ? -1 : port;
    this.actualPort = actualPort;
  }

  @Override
  public Future<?> start() {
    var options =
        new HttpServerOptions()
            .setTcpNoDelay(true)
            .setTcpFastOpen(true)
            .setIdleTimeout(120)
            .setDecompressionSupported(false)
            // HTTP/1.1 only: with cleartext HTTP/2 on, Vert.x sniffs the first bytes before it
            // builds the HTTP/1 pipeline, and EdgeGuard.strictFraming could not replace its decoder
            .setHttp2ClearTextEnabled(false);
    if (compressionMinBytes >= 0) {
      // gzip at level 4 and brotli at quality 4: most of the size win for a fraction of level 6's
      // CPU
      options
          .setCompressionSupported(true)
          .setCompressionContentSizeThreshold(compressionMinBytes)
          .addCompressor(StandardCompressionOptions.gzip(4, 15, 8));
      if (Brotli.isAvailable()) {
        options.addCompressor(
            StandardCompressionOptions.brotli(new Encoder.Parameters().setQuality(4)));
      }
    }
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(EdgeGuard.strictFraming(options))
            .invalidRequestHandler(EdgeGuard.invalidRequests())
            .requestHandler(EdgeGuard.requests(routers.get()));
    return server.listen(port, host).onSuccess(s -> actualPort.set(s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    // graceful: stop accepting, let in-flight requests finish, at most 10 s
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
