package io.hotpath.tag;

import io.hotpath.db.Sql;
import io.hotpath.http.Json;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.function.Consumer;

/** {@code GET /api/tags}: tags in use, most used first, at most {@link #LIMIT}. */
public final class TagRoutes implements Consumer<Router> {
  static final int LIMIT = 1000;

  private final TagRepository repo;

  public TagRoutes(Sql sql) {
    this.repo = new TagRepository(sql);
  }

  @Override
  public void accept(Router router) {
    router.get("/api/tags").handler(ctx -> repo.popular(LIMIT)
        .onSuccess(tags -> Json.ok(ctx, Map.of("tags", tags)))
        .onFailure(ctx::fail));
  }
}
