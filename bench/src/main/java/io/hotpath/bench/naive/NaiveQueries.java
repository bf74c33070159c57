package io.hotpath.bench.naive;

/**
 * The SQL a first version typically ships: a page of ids, then one query per article for its row,
 * author, tags and the viewer's flags (or, with batching on, one {@code = ANY($1)} query per kind),
 * and {@code count(*)} for totals. Same schema as the optimized paths, so the benchmark compares
 * code and configuration, not data.
 */
final class NaiveQueries {
  private NaiveQueries() {}

  static final String IDS =
      "SELECT id FROM articles ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2";
  static final String IDS_BY_TAG =
      """
      SELECT a.id FROM articles a
        JOIN article_tags at ON at.article_id = a.id JOIN tags t ON t.id = at.tag_id
       WHERE t.name = $3 ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2""";
  static final String IDS_BY_AUTHOR =
      """
      SELECT a.id FROM articles a JOIN users u ON u.id = a.author_id
       WHERE u.username = $3 ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2""";
  static final String IDS_FEED =
      """
      SELECT a.id FROM articles a JOIN follows f ON f.followee_id = a.author_id
       WHERE f.follower_id = $3 ORDER BY a.created_at DESC, a.id DESC LIMIT $1 OFFSET $2""";
  static final String COUNT = "SELECT count(*) AS n FROM articles";
  static final String COUNT_BY_TAG =
      """
      SELECT count(*) AS n FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = $1""";
  static final String COUNT_BY_AUTHOR =
      "SELECT count(*) AS n FROM articles a JOIN users u ON u.id = a.author_id WHERE u.username = $1";
  static final String COUNT_FEED =
      """
      SELECT count(*) AS n FROM articles a JOIN follows f ON f.followee_id = a.author_id
       WHERE f.follower_id = $1""";
  static final String ID_BY_SLUG = "SELECT id FROM articles WHERE slug = $1";

  static final String ARTICLE =
      """
      SELECT id, slug, title, description, body, author_id, favorites_count, created_at, updated_at
        FROM articles WHERE id = $1""";
  static final String USER = "SELECT id, username, bio, image FROM users WHERE id = $1";
  static final String USER_BY_NAME =
      "SELECT id, username, bio, image FROM users WHERE username = $1";
  static final String FOLLOWING =
      "SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2";
  static final String FAVORITED = "SELECT 1 FROM favorites WHERE user_id = $1 AND article_id = $2";
  static final String TAGS =
      """
      SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
       WHERE at.article_id = $1 ORDER BY t.name""";

  static final String ARTICLES =
      """
      SELECT id, slug, title, description, body, author_id, favorites_count, created_at, updated_at
        FROM articles WHERE id = ANY($1)""";
  static final String USERS = "SELECT id, username, bio, image FROM users WHERE id = ANY($1)";
  static final String FOLLOWINGS =
      "SELECT followee_id AS id FROM follows WHERE follower_id = $1 AND followee_id = ANY($2)";
  static final String FAVORITEDS =
      "SELECT article_id AS id FROM favorites WHERE user_id = $1 AND article_id = ANY($2)";
  static final String TAGS_OF =
      """
      SELECT at.article_id AS id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
       WHERE at.article_id = ANY($1) ORDER BY t.name""";

  static final String COMMENTS =
      """
      SELECT c.id, c.body, c.author_id, c.created_at, c.updated_at
        FROM comments c JOIN articles a ON a.id = c.article_id
       WHERE a.slug = $1 ORDER BY c.id LIMIT $2 OFFSET $3""";
  static final String POPULAR_TAGS =
      """
      SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
       GROUP BY t.name ORDER BY count(*) DESC, t.name LIMIT 20""";
}
