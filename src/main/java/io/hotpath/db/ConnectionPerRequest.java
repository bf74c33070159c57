package io.hotpath.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * A way to run statements without the pool: each request gets its own freshly opened connection.
 * Only the benchmark's naive profile provides one (DB_POOL=off); production always pools.
 */
public interface ConnectionPerRequest {
  /** Runs {@code work} on the current request's connection (opened on first use). */
  <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work);
}
