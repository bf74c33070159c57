package io.hotpath.tag;

import io.hotpath.http.Json;
import io.vertx.ext.web.Router;
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
                tags.answer().onSuccess(answer -> Json.answer(ctx, answer)).onFailure(ctx::fail));
  }
}
