package io.hotpath.db;

import io.hotpath.error.ApiException;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;

/**
 * Which database failures mean "PostgreSQL cannot serve this now" (a 503 the client may retry) and
 * which are the request's own (passed on as they are), decided by exception type and SQLSTATE,
 * never by searching messages for words. Unavailability carries the pool's state and how long the
 * statement waited, as HikariCP's timeout message does.
 */
public final class DbErrors {
  /** Why the database could not serve a statement. */
  public enum Kind {
    /** Not reachable: refused, reset, closed, shutting down. */
    UNREACHABLE,
    /** The pool's wait queue is full. */
    SATURATED,
    /** No connection became free within the acquire timeout. */
    ACQUIRE_TIMEOUT,
    /** PostgreSQL cancelled it: statement or idle-in-transaction timeout, or an operator. */
    CANCELLED,
    /** Too many connections, out of resources. */
    OVERLOADED,
    /** The request's own failure (constraint, syntax, data): not an outage. */
    NONE
  }

  /** The pool as it was when a statement failed. */
  public record PoolState(int maxSize, int inUse, int waiting) {
    @Override
    public String toString() {
      return "pool " + inUse + "/" + maxSize + " in use, " + waiting + " waiting";
    }
  }

  // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now
  private static final Set<String> UNREACHABLE_STATES = Set.of("57P01", "57P02", "57P03");
  // 57014: query_canceled (statement_timeout, pg_cancel_backend); 25P03: idle-in-transaction
  // timeout
  private static final Set<String> CANCELLED_STATES = Set.of("57014", "25P03");
  // 53: insufficient resources (53300 too many connections); 40001/40P01: retry serialization
  private static final Set<String> OVERLOADED_STATES = Set.of("40001", "40P01");

  private DbErrors() {}

  /** What kind of unavailability {@code t} is, or {@link Kind#NONE}. */
  public static Kind classify(Throwable t) {
    if (t instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      if (state.startsWith("08") || UNREACHABLE_STATES.contains(state)) {
        return Kind.UNREACHABLE;
      }
      if (CANCELLED_STATES.contains(state)) {
        return Kind.CANCELLED;
      }
      if (state.startsWith("53") || OVERLOADED_STATES.contains(state)) {
        return Kind.OVERLOADED;
      }
      return Kind.NONE;
    }
    if (t instanceof ConnectionPoolTooBusyException) {
      return Kind.SATURATED;
    }
    if (t instanceof ClosedConnectionException
        || t instanceof ConnectException
        || t instanceof SocketException
        || t instanceof io.netty.channel.ConnectTimeoutException) {
      return Kind.UNREACHABLE;
    }
    if (t instanceof VertxException && t.getMessage() != null) {
      // the pool's and the connection's own failures are plain VertxExceptions: these two texts
      // are the pool's API (io.vertx.sqlclient.impl.pool), not free-form error messages
      if (t.getMessage().startsWith("Timeout waiting for connection")) {
        return Kind.ACQUIRE_TIMEOUT;
      }
      if (t.getMessage().startsWith("Connection is not active")) {
        return Kind.UNREACHABLE;
      }
    }
    return Kind.NONE;
  }

  /**
   * {@code t} as the request should see it: a 503 carrying the pool state and the wait when the
   * database is unavailable, otherwise {@code t} itself.
   */
  public static Throwable translate(Throwable t, PoolState pool, Duration waited) {
    if (t instanceof ApiException) {
      return t;
    }
    Kind kind = classify(t);
    if (kind == Kind.NONE) {
      return t;
    }
    return new ApiException.Unavailable(
        "database",
        kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + " after "
            + waited.toMillis()
            + " ms ("
            + pool
            + ")",
        t);
  }
}
