package io.hotpath.kernel;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What belongs to one request wherever its work continues: its id, and attributes other layers
 * attach (the replica read fence, the trace context, an extension's per-request connection). Vert.x
 * runs each HTTP request on its own duplicated context and completes the futures of its database
 * and Redis calls there, so code deep in a call (the job queue recording which request enqueued a
 * job, the database door choosing a replica) finds its request without being handed it.
 *
 * <p>This is the only context local Hotpath registers, and it must exist before Vert.x creates its
 * first context. {@link Registration} sees to that: Vert.x loads it (META-INF/services) while it
 * builds any Vertx instance, before any context exists, so every Vertx in the JVM (the server's, a
 * test's, a tool's) has the slot, with nothing for anyone to call first.
 */
public final class RequestScope {
  private static final ContextLocal<RequestScope> LOCAL =
      ContextLocal.registerLocal(RequestScope.class);

  /** A typed slot in a scope; each owner declares its own. */
  public static final class Attribute<T> {
    private final String name;

    public Attribute(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final String requestId;
  private final ConcurrentHashMap<Attribute<?>, Object> attributes = new ConcurrentHashMap<>(4);

  private RequestScope(String requestId) {
    this.requestId = requestId;
  }

  /**
   * Loaded by Vert.x's bootstrap (a {@link VertxServiceProvider} in META-INF/services) while it
   * builds a Vertx instance: loading this class registers {@link #LOCAL} before any context exists.
   */
  public static final class Registration implements VertxServiceProvider {
    @Override
    public void init(VertxBootstrap bootstrap) {
      if (LOCAL == null) {
        throw new IllegalStateException("request scope not registered");
      }
    }
  }

  /** Starts the scope of a request running on {@code ctx} (a duplicated context). */
  public static RequestScope begin(Context ctx, String requestId) {
    var scope = new RequestScope(requestId);
    LOCAL.put(ctx, scope);
    return scope;
  }

  /** The scope of the request on the current context, or null outside a request. */
  public static RequestScope current() {
    Context ctx = Vertx.currentContext();
    return ctx == null ? null : LOCAL.get(ctx);
  }

  /** The current request's id, or null outside a request. */
  public static String currentRequestId() {
    var scope = current();
    return scope == null ? null : scope.requestId;
  }

  /** The current request's value of {@code attribute}, or null (no request, or not set). */
  public static <T> T currentValue(Attribute<T> attribute) {
    var scope = current();
    return scope == null ? null : scope.get(attribute);
  }

  public String requestId() {
    return requestId;
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Attribute<T> attribute) {
    return (T) attributes.get(attribute);
  }

  public <T> void put(Attribute<T> attribute, T value) {
    attributes.put(attribute, value);
  }
}
