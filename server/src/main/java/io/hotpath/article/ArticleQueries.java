package io.hotpath.article;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Every SQL statement of the article feature, and the builder for the filtered list.
 * docs/database.md shows the plan of each on 1M articles.
 *
 * <p>One statement returns a whole page: the page's ids come from an index-ordered subquery (LIMIT
 * inside), then authors are joined and each row's tags, "favorited" and "following" come from
 * correlated subqueries over primary keys. The cost per page is one statement whatever its size (no
 * N+1). Counts come from trigger-maintained counters wherever the filter allows.
 *
 * <p>$1 is always the viewer's id (null when anonymous).
 */
final class ArticleQueries {
  private ArticleQueries() {}

  /**
   * Flags, author and tags of article {@code id} (an SQL expression): {@code a.id} in a page; the
   * statement's parameter when one article is read, so that in a sharded deployment the subqueries
   * are pruned to that article's partition when planned (docs/sharding.md "One shard stopped").
   */
  private static String flagsAndAuthor(String id) {
    return """
        a.created_at, a.updated_at, a.favorites_count, a.author_id, a.version,
        u.username, u.bio, u.image,
        ARRAY(SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
              WHERE x.article_id = %1$s ORDER BY t.name) AS tag_list,
        ($1::bigint IS NOT NULL AND EXISTS (
            SELECT 1 FROM favorites f WHERE f.user_id = $1 AND f.article_id = %1$s)) AS favorited,
        ($1::bigint IS NOT NULL AND EXISTS (
            SELECT 1 FROM follows fo WHERE fo.follower_id = $1 AND fo.followee_id = a.author_id)) AS following"""
        .formatted(id);
  }

  static final String LIST_COLUMNS =
      "a.id, a.slug, a.title, a.description, NULL::text AS body, " + flagsAndAuthor("a.id");
  static final String FULL_COLUMNS =
      "a.id, a.slug, a.title, a.description, a.body, " + flagsAndAuthor("a.id");

  /** $2 slug. Index: articles_slug_key. */
  static final String BY_SLUG =
      "SELECT "
          + FULL_COLUMNS
          + " FROM articles a JOIN users u ON u.id = a.author_id WHERE a.slug = $2";

  /** $2 id. */
  static final String BY_ID =
      "SELECT a.id, a.slug, a.title, a.description, a.body, "
          + flagsAndAuthor("$2::bigint")
          + " FROM articles a JOIN users u ON u.id = a.author_id WHERE a.id = $2";

  /** $1 viewer (the follower), $2 limit, $3 offset: the feed page with views built in SQL. */
  static final String FEED =
      "SELECT "
          + LIST_COLUMNS
          + " FROM ("
          + ArticleQueries.feedPage()
          + ") p"
          + " JOIN articles a ON a.id = p.id JOIN users u ON u.id = a.author_id ORDER BY a.created_at DESC, a.id DESC";

  /** $1 viewer. Sums the followees' trigger-maintained article counts. */
  static final String FEED_COUNT =
      """
      SELECT coalesce(sum(u.articles_count), 0)::bigint AS n
      FROM follows fo JOIN users u ON u.id = fo.followee_id WHERE fo.follower_id = $1""";

  /**
   * Publishes: the article (no row when the slug is taken), its tags (created when new) and the
   * links, in one statement, so a publish holds a connection for one round trip instead of a
   * transaction's five. $6 the distinct tag names. Tags come back from the upsert itself ({@code DO
   * UPDATE}, which returns existing rows too): a tag another writer created after this statement's
   * snapshot is invisible to a SELECT here but not to the upsert, which waits for it. Tags are
   * upserted in name order so concurrent writers lock them in the same order; the link trigger
   * updates the same rows (their counts) right after. No row back = the slug is taken. The
   * article's conflict target is left out: the id is always generated, so the slug is the only key
   * that can conflict, and a sharded directory (whose partitioned table cannot hold a unique index)
   * answers the same through its slug directory.
   */
  static final String PUBLISH =
      """
      WITH a AS (
          INSERT INTO articles (slug, title, description, body, author_id) VALUES ($1, $2, $3, $4, $5)
          ON CONFLICT DO NOTHING RETURNING id, created_at),
      t AS (
          INSERT INTO tags (name)
          SELECT n FROM unnest($6::text[]) AS n WHERE EXISTS (SELECT 1 FROM a) ORDER BY n
          ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id),
      l AS (
          INSERT INTO article_tags (article_id, tag_id, created_at)
          SELECT a.id, t.id, a.created_at FROM a, t ORDER BY t.id)
      SELECT id, created_at FROM a""";

  /** Tags are inserted in name order so concurrent writers lock them in the same order. */
  static final String UPSERT_TAGS =
      """
      INSERT INTO tags (name) SELECT n FROM unnest($1::text[]) AS n ORDER BY n ON CONFLICT (name) DO NOTHING""";

  static final String LINK_TAGS =
      """
      INSERT INTO article_tags (article_id, tag_id, created_at)
      SELECT $1, t.id, $2 FROM tags t WHERE t.name = ANY($3::text[]) ORDER BY t.id""";

  /** Unlinks every tag of article $1; returns the names it had (their lists change). */
  static final String UNLINK_TAGS =
      """
      DELETE FROM article_tags x USING tags t WHERE x.article_id = $1 AND t.id = x.tag_id
      RETURNING t.name""";

  /** $1 id, $2 slug (the id came from the slug cache: the slug is checked again, locked). */
  static final String LOCK =
      "SELECT id, author_id, slug, title, created_at FROM articles WHERE id = $1 AND slug = $2"
          + " FOR UPDATE";

  static final String SLUG_TAKEN =
      "SELECT EXISTS (SELECT 1 FROM article_directory WHERE slug = $1 AND article_id <> $2) AS taken";
  static final String UPDATE =
      """
      UPDATE articles SET slug = $2, title = coalesce($3, title), description = coalesce($4, description),
                          body = coalesce($5, body), updated_at = now()
      WHERE id = $1""";

  /**
   * Deletes the author's article; returns its id and the tags it had (RETURNING sees the article's
   * tag links before the cascade removes them).
   */
  static final String DELETE_OWN =
      """
      DELETE FROM articles a WHERE a.id = $1 AND a.slug = $2 AND a.author_id = $3
      RETURNING a.id, ARRAY(SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
                            WHERE x.article_id = $1) AS tag_list""";

  static final String AUTHOR_OF = "SELECT author_id FROM articles WHERE id = $1 AND slug = $2";

  /**
   * Cache loader: stored fields and tags of a batch of articles. The tags are filtered by the ids
   * themselves (not correlated with each row), so that a sharded deployment reads only the
   * partitions of these ids.
   */
  static final String CORES_BY_IDS =
      """
      SELECT a.id, a.slug, a.title, a.description, a.body, a.created_at, a.updated_at, a.favorites_count, a.author_id, a.version,
             coalesce(tl.tag_list, '{}') AS tag_list
      FROM articles a
      LEFT JOIN (SELECT x.article_id, array_agg(t.name ORDER BY t.name) AS tag_list
                 FROM article_tags x JOIN tags t ON t.id = x.tag_id
                 WHERE x.article_id = ANY($1::bigint[]) GROUP BY x.article_id) tl ON tl.article_id = a.id
      WHERE a.id = ANY($1::bigint[])""";

  /** Cache loader: ids of a batch of slugs, from the article directory. */
  static final String IDS_BY_SLUGS =
      "SELECT article_id AS id, slug FROM article_directory WHERE slug = ANY($1::text[])";

  /**
   * $1 follower, $2 limit, $3 offset: the feed page's ids (views come from the cache), newest
   * first, and the feed's total, in one row of one statement ({@link #idsAndTotal}). The feed is
   * the one list whose ids are not cached: every read of it reaches the database.
   */
  static final String FEED_IDS_AND_COUNT =
      idsAndTotal(
          FEED_COUNT,
          "SELECT p.id FROM (" + feedPage() + ") p ORDER BY p.created_at DESC, p.id DESC");

  /**
   * One row: {@code n} from {@code count} (a statement of one row and column), {@code ids} an array
   * of {@code ids}' rows in their order. A page and its total then hold a pool connection for one
   * round trip, not two.
   */
  private static String idsAndTotal(String count, String ids) {
    return "SELECT (" + count + ") AS n, ARRAY(" + ids + ") AS ids";
  }

  /**
   * The feed page's ids and creation times, newest first: each followee contributes at most
   * limit+offset newest articles through articles_author_created_idx (LATERAL), so the sort is
   * bounded by followees x page depth, not by how much the followees ever wrote. Read from the
   * article directory (a view over articles on one database; a table beside follows when sharded).
   */
  private static String feedPage() {
    return """
        SELECT fa.id, fa.created_at FROM follows fo
        CROSS JOIN LATERAL (
            SELECT a2.article_id AS id, a2.created_at FROM article_directory a2
            WHERE a2.author_id = fo.followee_id
            ORDER BY a2.created_at DESC, a2.article_id DESC
            LIMIT ($2::int + $3::int)) fa
        WHERE fo.follower_id = $1
        ORDER BY fa.created_at DESC, fa.id DESC
        LIMIT $2::int OFFSET $3::int""";
  }

  /**
   * A list filter as SQL takes it: users by username (resolved inside the one statement) or by id
   * (already resolved, from the cache).
   */
  record Where(String tag, String author, Long authorId, String favorited, Long favoritedId) {
    static Where of(ArticleFilter f) {
      return new Where(f.tag(), f.author(), null, f.favorited(), null);
    }

    static Where byIds(String tag, Long author, Long favorited) {
      return new Where(tag, null, author, null, favorited);
    }

    boolean hasAuthor() {
      return author != null || authorId != null;
    }

    boolean hasFavorited() {
      return favorited != null || favoritedId != null;
    }

    boolean none() {
      return tag == null && !hasAuthor() && !hasFavorited();
    }

    /** Appends the user's id or username to {@code args}; the SQL that yields the user's id. */
    private static String user(String name, Long id, Tuple args) {
      if (id != null) {
        args.addLong(id);
        return "$" + args.size() + "::bigint";
      }
      args.addString(name);
      return "(SELECT id FROM users WHERE username = $" + args.size() + ")";
    }
  }

  /**
   * The ids of one page of the filtered list, newest first (views come from the cache), and the
   * filter's total, in one row of one statement ({@link #idsAndTotal}). The count's parameters come
   * first, the id query's are numbered after them.
   */
  static Statement pageIdsAndCount(Where f, int limit, int offset) {
    var count = count(f);
    var args = Tuple.tuple();
    for (int i = 0; i < count.args().size(); i++) {
      args.addValue(count.args().getValue(i));
    }
    String ids = idQuery(f, args, limit, offset);
    return new Statement(idsAndTotal(count.sql(), ids), args);
  }

  /**
   * The page's id query: appends the filter's values, then limit and offset, to {@code args} (which
   * may already hold earlier parameters) and returns the SQL numbered to match.
   */
  private static String idQuery(Where f, Tuple args, int limit, int offset) {
    var where = conditions(f, args);
    String idColumn = idColumn(f);
    String order =
        f.tag() != null
            ? "x.created_at DESC, x.article_id DESC"
            : "a.created_at DESC, a.article_id DESC";
    int n = args.size();
    args.addInteger(limit).addInteger(offset);
    return "SELECT "
        + idColumn
        + " AS id FROM "
        + from(f)
        + where
        + " ORDER BY "
        + order
        + " LIMIT $"
        + (n + 1)
        + "::int OFFSET $"
        + (n + 2)
        + "::int";
  }

  /** A statement and its arguments. */
  record Statement(String sql, Tuple args) {}

  /** One page of the filtered list, newest first. */
  static Statement page(Where f, Long viewer, int limit, int offset) {
    var args = Tuple.tuple().addLong(viewer);
    String inner = idQuery(f, args, limit, offset);
    String sql =
        "SELECT "
            + LIST_COLUMNS
            + " FROM ("
            + inner
            + ") p"
            + " JOIN articles a ON a.id = p.id JOIN users u ON u.id = a.author_id"
            + " ORDER BY a.created_at DESC, a.id DESC";
    return new Statement(sql, args);
  }

  /** How many articles match the filter; from counters when a single filter (or none) is used. */
  static Statement count(Where f) {
    if (f.none()) {
      return new Statement(
          "SELECT coalesce(sum(n), 0)::bigint AS n FROM article_counts", Tuple.tuple());
    }
    var args = Tuple.tuple();
    if (f.tag() != null && !f.hasAuthor() && !f.hasFavorited()) {
      args.addString(f.tag());
      return new Statement(
          "SELECT coalesce((SELECT article_count FROM tags WHERE name = $1), 0)::bigint AS n",
          args);
    }
    if (f.hasAuthor() && f.tag() == null && !f.hasFavorited()) {
      String user = Where.user(f.author(), f.authorId(), args);
      return new Statement(
          "SELECT coalesce((SELECT articles_count FROM users WHERE id = "
              + user
              + "), 0)::bigint AS n",
          args);
    }
    if (f.hasFavorited() && f.tag() == null && !f.hasAuthor()) {
      String user = Where.user(f.favorited(), f.favoritedId(), args);
      return new Statement("SELECT count(*) AS n FROM favorites WHERE user_id = " + user, args);
    }
    var where = conditions(f, args);
    return new Statement("SELECT count(*) AS n FROM " + from(f) + where, args);
  }

  /**
   * Lists find their ids in the article directory (author, creation time) and the tag links: on one
   * database views and tables with the same indexes as before; when sharded, the global and author
   * lists never ask the shards for ids (docs/sharding.md "Query shapes").
   */
  private static String from(Where f) {
    if (f.tag() == null) {
      return "article_directory a";
    }
    return f.hasAuthor()
        ? "article_tags x JOIN article_directory a ON a.article_id = x.article_id"
        : "article_tags x";
  }

  private static String idColumn(Where f) {
    return f.tag() != null ? "x.article_id" : "a.article_id";
  }

  /** Appends the filter's values to {@code args} and returns the matching WHERE clause. */
  private static String conditions(Where f, Tuple args) {
    List<String> c = new ArrayList<>();
    String idColumn = idColumn(f);
    if (f.tag() != null) {
      args.addString(f.tag());
      c.add("x.tag_id = (SELECT id FROM tags WHERE name = $" + args.size() + ")");
    }
    if (f.hasAuthor()) {
      c.add("a.author_id = " + Where.user(f.author(), f.authorId(), args));
    }
    if (f.hasFavorited()) {
      c.add(
          idColumn
              + " IN (SELECT fv.article_id FROM favorites fv WHERE fv.user_id = "
              + Where.user(f.favorited(), f.favoritedId(), args)
              + ")");
    }
    return c.isEmpty() ? "" : " WHERE " + String.join(" AND ", c);
  }
}
