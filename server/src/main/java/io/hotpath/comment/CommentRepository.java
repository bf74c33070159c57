package io.hotpath.comment;

import io.hotpath.db.Sql;
import io.hotpath.kernel.Timestamps;
import io.hotpath.notify.Notifications;
import io.hotpath.social.ProfileView;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * All SQL of comments. Each request costs one statement (two only to explain a failed delete); a
 * comment list warm in {@link CommentCache} costs none.
 */
final class CommentRepository {
  /*
   * Every statement names the article by its id (the slug was resolved through the article
   * feature's slug cache) and filters every content table by that id itself, never through a
   * correlation: a sharded deployment then plans each statement onto the article's one partition
   * (docs/sharding.md "One shard stopped").
   */

  /**
   * $1 author, $2 body, $3 article id: inserts and returns the comment with its author in one round
   * trip; no row when the article does not exist.
   */
  static final Notifications.Notifying ADD =
      Notifications.notifying(
          """
          ins AS (
              INSERT INTO comments (article_id, author_id, body)
              SELECT a.id, $1, $2 FROM articles a WHERE a.id = $3
              RETURNING id, article_id, author_id, body, created_at, updated_at),
          added AS (
              SELECT ins.id, ins.body, ins.created_at, ins.updated_at, u.username, u.bio, u.image,
                     false AS following, ins.article_id, a.author_id AS article_author_id
              FROM ins JOIN users u ON u.id = ins.author_id
              JOIN articles a ON a.id = $3 AND a.id = ins.article_id)""",
          "SELECT article_author_id AS recipient_id, article_id, id AS comment_id FROM added",
          "SELECT * FROM added",
          3);

  /**
   * $1 viewer, $2 article id, $3 limit, $4 offset. The article row is always returned (so "no
   * article" and "no comments" differ); comments come in order through comments_article_idx.
   */
  static final String LIST =
      """
      SELECT a.id AS article_id, c.id, c.body, c.created_at, c.updated_at, c.username, c.bio, c.image, c.following
      FROM articles a
      LEFT JOIN LATERAL (
          SELECT c.id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
                 ($1::bigint IS NOT NULL AND EXISTS (
                     SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = c.author_id)) AS following
          FROM comments c JOIN users u ON u.id = c.author_id
          WHERE c.article_id = $2
          ORDER BY c.id
          LIMIT $3::int OFFSET $4::int) c ON true
      WHERE a.id = $2
      ORDER BY c.id""";

  /**
   * $1 article id, $2 how many: the article's first comments with their authors' ids (for the
   * comment cache). The article row always comes, so "no article" and "no comments" differ.
   */
  static final String FIRST =
      """
      SELECT a.id AS article_id, c.id, c.body, c.created_at, c.updated_at, c.author_id
      FROM articles a
      LEFT JOIN LATERAL (
          SELECT c.id, c.body, c.created_at, c.updated_at, c.author_id
          FROM comments c
          WHERE c.article_id = $1
          ORDER BY c.id
          LIMIT $2::int) c ON true
      WHERE a.id = $1
      ORDER BY c.id""";

  static final String DELETE_OWN =
      """
      DELETE FROM comments c WHERE c.article_id = $1 AND c.id = $2 AND c.author_id = $3
      RETURNING c.id""";
  static final String EXPLAIN_DELETE =
      """
      SELECT a.id, c.author_id FROM articles a
      LEFT JOIN comments c ON c.article_id = $1 AND c.id = $2
      WHERE a.id = $1""";

  private final Sql sql;
  private final Sql reads;

  /** Writes on {@code sql} (the primary); comment lists on {@code reads} (a replica if fresh). */
  CommentRepository(Sql sql, Sql reads) {
    this.sql = sql;
    this.reads = reads;
  }

  /** Adds the comment in {@code tx}; null when the article does not exist. */
  /**
   * Adds the comment and notifies the article's author, in one statement; null when the article
   * does not exist.
   */
  static Future<Added> add(
      Notifications notifications, Sql sql, long author, String body, long article) {
    return notifications
        .write(sql, ADD, Tuple.of(author, body, article), "comment", author)
        .map(
            rs -> {
              if (rs.size() == 0) {
                return null;
              }
              Row r = rs.iterator().next();
              return new Added(view(r), r.getLong("article_id"), r.getLong("article_author_id"));
            });
  }

  record Added(CommentView view, long articleId, long articleAuthorId) {
    /** The comment as the comment cache keeps it. */
    CommentCore core(long author) {
      return new CommentCore(view.id(), view.body(), view.createdAt(), view.updatedAt(), author);
    }
  }

  /** The article's comments, or null when the article does not exist. */
  Future<List<CommentView>> list(Long viewer, long article, int limit, int offset) {
    return reads
        .query(LIST, Tuple.of(viewer, article, limit, offset))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return null;
              }
              var out = new ArrayList<CommentView>(rs.size());
              for (Row r : rs) {
                if (r.getLong("id") != null) {
                  out.add(view(r));
                }
              }
              return out;
            });
  }

  /**
   * The first comments of {@code article} from the primary, at most {@code n} and at most {@code
   * maxChars} characters of bodies, and whether there are more; empty when the article does not
   * exist.
   */
  Future<java.util.Optional<CommentPage>> first(long article, int n, int maxChars) {
    return sql.query(FIRST, Tuple.of(article, n + 1))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return java.util.Optional.empty();
              }
              var out = new ArrayList<CommentCore>(Math.min(rs.size(), n));
              boolean more = false;
              long bytes = 0;
              for (Row r : rs) {
                if (r.getLong("id") == null) {
                  continue; // the article without comments
                }
                if (out.size() == n || (bytes += r.getString("body").length()) > maxChars) {
                  more = true; // the rest is served by SQL (CommentPage.covers)
                  break;
                }
                out.add(
                    new CommentCore(
                        r.getLong("id"),
                        r.getString("body"),
                        Timestamps.format(r.getOffsetDateTime("created_at")),
                        Timestamps.format(r.getOffsetDateTime("updated_at")),
                        r.getLong("author_id")));
              }
              return java.util.Optional.of(new CommentPage(List.copyOf(out), more));
            });
  }

  Future<Boolean> deleteOwn(long article, long id, long author) {
    return sql.query(DELETE_OWN, Tuple.of(article, id, author)).map(rs -> rs.size() > 0);
  }

  /** Why a delete did not happen: NO_ARTICLE, NO_COMMENT or NOT_AUTHOR. */
  Future<DeleteRefusal> explainDelete(long article, long id) {
    return sql.query(EXPLAIN_DELETE, Tuple.of(article, id))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return DeleteRefusal.NO_ARTICLE;
              }
              return rs.iterator().next().getLong("author_id") == null
                  ? DeleteRefusal.NO_COMMENT
                  : DeleteRefusal.NOT_AUTHOR;
            });
  }

  private static CommentView view(Row r) {
    return new CommentView(
        r.getLong("id"),
        Timestamps.format(r.getOffsetDateTime("created_at")),
        Timestamps.format(r.getOffsetDateTime("updated_at")),
        r.getString("body"),
        new ProfileView(
            r.getString("username"),
            r.getString("bio"),
            r.getString("image"),
            r.getBoolean("following")));
  }

  enum DeleteRefusal {
    NO_ARTICLE,
    NO_COMMENT,
    NOT_AUTHOR
  }
}
