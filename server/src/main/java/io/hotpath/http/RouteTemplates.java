package io.hotpath.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The endpoint templates of a router ({@code /api/articles/:slug}), to name a finished request by
 * its route even when it ended in the failure handler (where Vert.x's current route is the failure
 * route). Used for logs and span names only, so only looked up when needed.
 */
public final class RouteTemplates {
  private static final String KEY = "hotpath.routes";

  private record Template(Set<HttpMethod> methods, Pattern pattern, String path) {}

  private final List<Template> templates = new ArrayList<>();

  private RouteTemplates(Router router) {
    for (Route r : router.getRoutes()) {
      String path = r.getPath();
      if (path == null || path.endsWith("*") || r.methods() == null || r.methods().isEmpty()) {
        continue; // middleware, not an endpoint
      }
      String regex =
          "^" + Pattern.quote(path).replaceAll(":[A-Za-z0-9_]+", "\\\\E[^/]+\\\\Q") + "$";
      templates.add(new Template(r.methods(), Pattern.compile(regex), path));
    }
  }

  /**
   * Builds the templates of {@code router} and installs a handler that exposes them to later code.
   */
  static void install(Router router) {
    var t = new RouteTemplates(router);
    router
        .route()
        .order(-1)
        .handler(
            ctx -> {
              ctx.put(KEY, t);
              ctx.next();
            });
  }

  /**
   * The template the request matched, or {@link #UNMATCHED} when none did: a name for logs, spans
   * and metrics that an unknown path (anything a client makes up) can never add to.
   */
  public static String of(RoutingContext ctx) {
    RouteTemplates t = ctx.get(KEY);
    String path = ctx.request().path();
    if (t != null && path != null) {
      for (Template tpl : t.templates) {
        if (tpl.methods().contains(ctx.request().method())
            && tpl.pattern().matcher(path).matches()) {
          return tpl.path();
        }
      }
    }
    return UNMATCHED;
  }

  /** The route name of requests that matched no endpoint. */
  public static final String UNMATCHED = "unmatched";

  /** A raw path for span attributes and logs: at most 200 characters. */
  public static String bounded(String path) {
    return path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }
}
