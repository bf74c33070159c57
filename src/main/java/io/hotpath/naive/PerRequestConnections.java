package io.hotpath.naive;

import io.hotpath.db.ConnectionPerRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * The naive profile's "no pool": the first statement of a request opens a new PostgreSQL connection
 * (TCP, startup, a new backend process, no prepared statements yet), the request's other statements
 * reuse it, and it is closed when the response ends. Statements outside a request get a connection
 * each. Benchmark only (DB_POOL=off).
 */
public final class PerRequestConnections implements ConnectionPerRequest {
  private static final ContextLocal<Holder> CURRENT = ContextLocal.registerLocal(Holder.class);

  private final Vertx vertx;
  private final PgConnectOptions options;

  public PerRequestConnections(Vertx vertx, PgConnectOptions options) {
    this.vertx = vertx;
    this.options = new PgConnectOptions(options); // statements are prepared anew on each connection
  }

  /** Must run before the Vertx instance is created (context-local storage is sized then). */
  public static void registerContextLocal() {
    // class initialisation registers CURRENT
  }

  /** The handler that gives each request its slot and closes its connection at the end. */
  public Handler<RoutingContext> perRequest() {
    return ctx -> {
      var holder = new Holder();
      CURRENT.put(ctx.vertx().getOrCreateContext(), holder);
      ctx.addEndHandler(v -> holder.close());
      ctx.next();
    };
  }

  @Override
  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work) {
    var ctx = Vertx.currentContext();
    Holder holder = ctx == null ? null : CURRENT.get(ctx);
    if (holder == null) {
      return PgConnection.connect(vertx, options)
          .compose(c -> work.apply(c).andThen(ar -> c.close()));
    }
    if (holder.connection == null) {
      holder.connection = PgConnection.connect(vertx, options).map(c -> (SqlConnection) c);
    }
    return holder.connection.compose(work);
  }

  private static final class Holder {
    Future<SqlConnection> connection;

    void close() {
      if (connection != null) {
        connection.onSuccess(SqlConnection::close);
      }
    }
  }
}
