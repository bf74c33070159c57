package io.hotpath.tag;

import io.hotpath.http.Json;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Consumer;

/** {@code GET /api/tags}: tags in use, most used first. */
final class TagRoutes implements Consumer<Router> {
  private final PopularTags tags;

  TagRoutes(PopularTags tags) {
    this.tags = tags;
  }

  @Override
  public void accept(Router router) {
    router
        .get("/api/tags")
        .handler(
            ctx ->
                tags.list()
                    .onSuccess(list -> Json.ok(ctx, Map.of("tags", list)))
                    .onFailure(ctx::fail));
  }
}
