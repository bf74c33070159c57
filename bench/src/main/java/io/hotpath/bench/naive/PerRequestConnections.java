package io.hotpath.bench.naive;

import io.hotpath.db.StatementTarget;
import io.hotpath.kernel.RequestScope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The naive profile's "no pool" (DB_POOL=off): the first statement of a request opens a new
 * PostgreSQL connection (TCP, startup, a new backend process, no prepared statements yet), the
 * request's other statements reuse it, and it is closed when the response ends. Statements outside
 * a request get a connection each. Benchmark only.
 */
final class PerRequestConnections implements StatementTarget {
  private static final RequestScope.Attribute<Holder> CONNECTION =
      new RequestScope.Attribute<>("naive-connection");

  private final Vertx vertx;
  private final PgConnectOptions options;

  PerRequestConnections(Vertx vertx, PgConnectOptions options) {
    this.vertx = vertx;
    this.options = new PgConnectOptions(options); // statements are prepared anew on each connection
  }

  /** The route that gives each API request its slot and closes its connection at the end. */
  Consumer<Router> perRequest() {
    return router ->
        router
            .route("/api/*")
            .handler(
                ctx -> {
                  var holder = new Holder();
                  var scope = RequestScope.current();
                  if (scope != null) {
                    scope.put(CONNECTION, holder);
                  }
                  ctx.addEndHandler(v -> holder.close());
                  ctx.next();
                });
  }

  @Override
  public <T> Future<T> run(Function<SqlClient, Future<T>> statement) {
    Holder holder = RequestScope.currentValue(CONNECTION);
    if (holder == null) {
      return PgConnection.connect(vertx, options)
          .compose(c -> statement.apply(c).andThen(ar -> c.close()));
    }
    if (holder.connection == null) {
      holder.connection = PgConnection.connect(vertx, options).map(c -> (SqlConnection) c);
    }
    return holder.connection.compose(c -> statement.apply(c));
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
