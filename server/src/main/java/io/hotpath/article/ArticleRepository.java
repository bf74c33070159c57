package io.hotpath.article;

import io.hotpath.db.Rows;
import io.hotpath.db.Sql;
import io.hotpath.kernel.Timestamps;
import io.hotpath.social.ProfileView;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Runs {@link ArticleQueries} and maps rows to views. List pages, counts and feeds run on {@code
 * reads} (a replica when fresh enough); single-article loads, which fill the caches, and writes run
 * on {@code sql} (the primary).
 */
final class ArticleRepository {
  private final Sql sql;
  private final Sql reads;

  ArticleRepository(Sql sql, Sql reads) {
    this.sql = sql;
    this.reads = reads;
  }

  Future<List<ArticleView>> page(ArticleFilter f, Long viewer, int limit, int offset) {
    var st = ArticleQueries.page(ArticleQueries.Where.of(f), viewer, limit, offset);
    return reads.query(st.sql(), st.args()).map(ArticleRepository::views);
  }

  Future<Long> count(ArticleFilter f) {
    return count(reads, ArticleQueries.Where.of(f));
  }

  private static Future<Long> count(Sql on, ArticleQueries.Where f) {
    var st = ArticleQueries.count(f);
    return on.query(st.sql(), st.args()).map(rs -> rs.iterator().next().getLong("n"));
  }

  /**
   * For the page cache, a page's ids and the filter's total in one statement: from the primary, so
   * a page cached after a write includes it.
   */
  Future<ArticleLists.IdPage> pageOnPrimary(ArticleQueries.Where f, int limit, int offset) {
    var st = ArticleQueries.pageIdsAndCount(f, limit, offset);
    return sql.query(st.sql(), st.args()).map(ArticleRepository::idPage);
  }

  /** The one row of a statement that answers {@code n} and {@code ids}. */
  private static ArticleLists.IdPage idPage(RowSet<Row> rs) {
    Row r = rs.iterator().next();
    return new ArticleLists.IdPage(List.of(r.getArrayOfLongs("ids")), r.getLong("n"));
  }

  /** The same for the feed cache: from the primary, so a page cached after a write includes it. */
  Future<ArticleLists.IdPage> feedIdsOnPrimary(long viewer, int limit, int offset) {
    return sql.query(ArticleQueries.FEED_IDS_AND_COUNT, Tuple.of(viewer, limit, offset))
        .map(ArticleRepository::idPage);
  }

  /** A feed page's ids, newest first, and the feed's total, in one statement. */
  Future<ArticleLists.IdPage> feedIds(long viewer, int limit, int offset) {
    return reads
        .query(ArticleQueries.FEED_IDS_AND_COUNT, Tuple.of(viewer, limit, offset))
        .map(ArticleRepository::idPage);
  }

  Future<List<ArticleView>> feed(long viewer, int limit, int offset) {
    return reads
        .query(ArticleQueries.FEED, Tuple.of(viewer, limit, offset))
        .map(ArticleRepository::views);
  }

  Future<Long> feedCount(long viewer) {
    return reads
        .query(ArticleQueries.FEED_COUNT, Tuple.of(viewer))
        .map(rs -> rs.iterator().next().getLong("n"));
  }

  /** The article with this slug as {@code viewer} sees it, or null. */
  Future<ArticleView> bySlug(Long viewer, String slug) {
    return sql.query(ArticleQueries.BY_SLUG, Tuple.of(viewer, slug)).map(ArticleRepository::single);
  }

  Future<ArticleView> byId(Long viewer, long id) {
    return sql.query(ArticleQueries.BY_ID, Tuple.of(viewer, id)).map(ArticleRepository::single);
  }

  /** Inserts the article unless the slug is taken; returns its id and creation time, or null. */
  /**
   * Publishes the article with its tags in one statement; null when {@code slug} is taken (nothing
   * written then).
   */
  static Future<Created> publish(
      Sql sql,
      String slug,
      String title,
      String description,
      String body,
      long author,
      List<String> tags) {
    return sql.query(
            ArticleQueries.PUBLISH,
            Tuple.of(slug, title, description, body, author, tags.toArray(String[]::new)))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new Created(r.getLong("id"), slug, r.getOffsetDateTime("created_at"));
            });
  }

  /** Links the article to these tag names, creating tags that don't exist yet. */
  static Future<Void> tag(Sql tx, long articleId, OffsetDateTime createdAt, List<String> tags) {
    if (tags.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] names = tags.toArray(String[]::new);
    return tx.query(ArticleQueries.UPSERT_TAGS, Tuple.of(names))
        .compose(v -> tx.query(ArticleQueries.LINK_TAGS, Tuple.of(articleId, createdAt, names)))
        .mapEmpty();
  }

  /** Unlinks every tag of the article; the names it had. */
  static Future<List<String>> untag(Sql tx, long articleId) {
    return tx.query(ArticleQueries.UNLINK_TAGS, Tuple.of(articleId))
        .map(rs -> Rows.all(rs, r -> r.getString("name")));
  }

  /** Locks the article for update; null when absent. */
  static Future<Locked> lock(Sql tx, long id, String slug) {
    return tx.query(ArticleQueries.LOCK, Tuple.of(id, slug))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new Locked(
                  r.getLong("id"),
                  r.getLong("author_id"),
                  r.getString("slug"),
                  r.getString("title"),
                  r.getOffsetDateTime("created_at"));
            });
  }

  static Future<Boolean> slugTaken(Sql tx, String slug, long exceptId) {
    return tx.query(ArticleQueries.SLUG_TAKEN, Tuple.of(slug, exceptId))
        .map(rs -> rs.iterator().next().getBoolean("taken"));
  }

  static Future<Void> update(
      Sql tx, long id, String slug, String title, String description, String body) {
    return tx.query(ArticleQueries.UPDATE, Tuple.of(id, slug, title, description, body)).mapEmpty();
  }

  /** Deletes the author's article: its id and former tags, or null when nothing was deleted. */
  Future<Deleted> deleteOwn(long id, String slug, long author) {
    return sql.query(ArticleQueries.DELETE_OWN, Tuple.of(id, slug, author))
        .map(
            rs ->
                Rows.first(
                    rs,
                    r -> {
                      String[] tags = r.getArrayOfStrings("tag_list");
                      return new Deleted(r.getLong("id"), tags == null ? List.of() : List.of(tags));
                    }));
  }

  record Deleted(long id, List<String> tags) {}

  /** The author's id of the article, or null when there is no such article. */
  Future<Long> authorOf(long id, String slug) {
    return sql.query(ArticleQueries.AUTHOR_OF, Tuple.of(id, slug))
        .map(rs -> Rows.first(rs, r -> r.getLong("author_id")));
  }

  private static ArticleView single(RowSet<Row> rs) {
    return Rows.first(rs, ArticleRepository::view);
  }

  private static List<ArticleView> views(RowSet<Row> rs) {
    return Rows.all(rs, ArticleRepository::view);
  }

  /** A view built in SQL (flags and author joined in); without a body in lists. */
  private static ArticleView view(Row r) {
    return core(r)
        .view(
            r.getString("body") != null,
            r.getBoolean("favorited"),
            new ProfileView(
                r.getString("username"),
                r.getString("bio"),
                r.getString("image"),
                r.getBoolean("following")));
  }

  /** An article's stored fields from any row that has them (cache loads and SQL-built views). */
  static ArticleCore core(Row r) {
    String[] tags = r.getArrayOfStrings("tag_list");
    return new ArticleCore(
        r.getLong("id"),
        r.getString("slug"),
        r.getString("title"),
        r.getString("description"),
        r.getString("body"),
        tags == null ? List.of() : List.of(tags),
        Timestamps.format(r.getOffsetDateTime("created_at")),
        Timestamps.format(r.getOffsetDateTime("updated_at")),
        r.getInteger("favorites_count"),
        r.getLong("author_id"),
        r.getLong("version"));
  }

  record Created(long id, String slug, OffsetDateTime createdAt) {}

  record Locked(long id, long authorId, String slug, String title, OffsetDateTime createdAt) {}
}
