package io.hotpath.tag;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** All SQL of tags. */
final class TagRepository {
  /** Served by the partial index tags_popular_idx (only tags that label at least one article). */
  static final String POPULAR =
      "SELECT name FROM tags WHERE article_count > 0 ORDER BY article_count DESC, name LIMIT $1::int";

  private final Sql sql;

  TagRepository(Sql sql) {
    this.sql = sql;
  }

  /** Tags in use, most used first, at most {@code limit}. */
  Future<List<String>> popular(int limit) {
    return sql.query(POPULAR, Tuple.of(limit)).map(rs -> Rows.all(rs, r -> r.getString("name")));
  }
}
