package io.hotpath.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.function.Function;

/**
 * Where a single statement outside a transaction runs. The product always uses its pool ({@link
 * #of}); the benchmark's naive profile supplies a connection opened per request instead, through
 * {@link io.hotpath.Extension}.
 */
@FunctionalInterface
public interface StatementTarget {
  /** Runs {@code statement} on a client this target chooses. */
  <T> Future<T> run(Function<SqlClient, Future<T>> statement);

  /** Replaces the pooled target by another (an extension's); the identity by default. */
  @FunctionalInterface
  interface Decorator {
    StatementTarget decorate(io.vertx.pgclient.PgConnectOptions options, StatementTarget pooled);
  }

  /** Every statement on {@code client} (the pool). */
  static StatementTarget of(SqlClient client) {
    return new StatementTarget() {
      @Override
      public <T> Future<T> run(Function<SqlClient, Future<T>> statement) {
        return statement.apply(client);
      }
    };
  }
}
