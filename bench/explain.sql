-- EXPLAIN ANALYZE of Hotpath's hot queries, as ArticleQueries / SocialRepository / CommentRepository /
-- TagRepository / UserRepository build them, with representative parameters picked from the data:
-- :viewer follows the most users; :author wrote the most articles; :bigtag labels the most articles;
-- :raretag the fewest; :fan favorited the most. Run with bench/explain.sh (docs/database.md shows a run).
\set ON_ERROR_STOP on
SELECT follower_id AS viewer FROM follows GROUP BY 1 ORDER BY count(*) DESC LIMIT 1 \gset
SELECT username AS author FROM users ORDER BY articles_count DESC LIMIT 1 \gset
SELECT name AS bigtag FROM tags ORDER BY article_count DESC LIMIT 1 \gset
SELECT name AS raretag FROM tags WHERE article_count > 0 ORDER BY article_count LIMIT 1 \gset
SELECT u.username AS fan FROM favorites f JOIN users u ON u.id = f.user_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1 \gset
SELECT slug AS hotslug FROM articles ORDER BY favorites_count DESC LIMIT 1 \gset
SELECT a.slug AS commented FROM comments c JOIN articles a ON a.id = c.article_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1 \gset
\echo viewer=:viewer author=:author bigtag=:bigtag raretag=:raretag fan=:fan hotslug=:hotslug
\pset pager off

\echo '### Q1 global list, page 1 (GET /api/articles)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT a.id, a.slug, a.title, a.description, NULL::text AS body, a.created_at, a.updated_at, a.favorites_count,
       u.username, u.bio, u.image,
       ARRAY(SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id ORDER BY t.name) AS tag_list,
       (:viewer::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM favorites f WHERE f.user_id = :viewer AND f.article_id = a.id)) AS favorited,
       (:viewer::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = :viewer AND fo.followee_id = a.author_id)) AS following
FROM (SELECT a.id AS id FROM articles a ORDER BY a.created_at DESC, a.id DESC LIMIT 20 OFFSET 0) p
JOIN articles a ON a.id = p.id JOIN users u ON u.id = a.author_id ORDER BY a.created_at DESC, a.id DESC;

\echo '### Q2 global list, deep page (offset 10000, the maximum)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT a.id AS id FROM articles a ORDER BY a.created_at DESC, a.id DESC LIMIT 20 OFFSET 10000;

\echo '### Q3 author list (?author=), the most prolific author'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT a.id AS id FROM articles a WHERE a.author_id = (SELECT id FROM users WHERE username = :'author')
ORDER BY a.created_at DESC, a.id DESC LIMIT 20 OFFSET 0;

\echo '### Q4 tag list (?tag=), the most used tag'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT x.article_id AS id FROM article_tags x WHERE x.tag_id = (SELECT id FROM tags WHERE name = :'bigtag')
ORDER BY x.created_at DESC, x.article_id DESC LIMIT 20 OFFSET 0;

\echo '### Q5 tag list (?tag=), a rare tag'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT x.article_id AS id FROM article_tags x WHERE x.tag_id = (SELECT id FROM tags WHERE name = :'raretag')
ORDER BY x.created_at DESC, x.article_id DESC LIMIT 20 OFFSET 0;

\echo '### Q6 favorited list (?favorited=), the heaviest favoriter'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT a.id AS id FROM articles a
WHERE a.id IN (SELECT fv.article_id FROM favorites fv WHERE fv.user_id = (SELECT id FROM users WHERE username = :'fan'))
ORDER BY a.created_at DESC, a.id DESC LIMIT 20 OFFSET 0;

\echo '### Q7 feed page (GET /api/articles/feed), the user who follows the most'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT fa.id, fa.created_at FROM follows fo
CROSS JOIN LATERAL (SELECT a2.id, a2.created_at FROM articles a2 WHERE a2.author_id = fo.followee_id
                    ORDER BY a2.created_at DESC, a2.id DESC LIMIT (20 + 0)) fa
WHERE fo.follower_id = :viewer ORDER BY fa.created_at DESC, fa.id DESC LIMIT 20 OFFSET 0;

\echo '### Q8 feed count'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT coalesce(sum(u.articles_count), 0)::bigint AS n FROM follows fo JOIN users u ON u.id = fo.followee_id WHERE fo.follower_id = :viewer;

\echo '### Q9 counts: global, tag, author, favorited'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT coalesce(sum(n), 0)::bigint AS n FROM article_counts;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT coalesce((SELECT article_count FROM tags WHERE name = :'bigtag'), 0)::bigint AS n;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT coalesce((SELECT articles_count FROM users WHERE username = :'author'), 0)::bigint AS n;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) AS n FROM favorites WHERE user_id = (SELECT id FROM users WHERE username = :'fan');

\echo '### Q10 single article by slug (GET /api/articles/:slug), the most favorited'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT a.id, a.slug, a.title, a.description, a.body, a.created_at, a.updated_at, a.favorites_count, u.username, u.bio, u.image,
       ARRAY(SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id ORDER BY t.name) AS tag_list,
       (:viewer::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM favorites f WHERE f.user_id = :viewer AND f.article_id = a.id)) AS favorited,
       (:viewer::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = :viewer AND fo.followee_id = a.author_id)) AS following
FROM articles a JOIN users u ON u.id = a.author_id WHERE a.slug = :'hotslug';

\echo '### Q11 comments of the most commented article (by its id: the slug is resolved by the slug cache)'
SELECT article_id AS commented_id FROM article_directory WHERE slug = :'commented' \gset
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT a.id AS article_id, c.id, c.body, c.created_at, c.updated_at, c.username, c.bio, c.image, c.following
FROM articles a LEFT JOIN LATERAL (
    SELECT c.id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
           (:viewer::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = :viewer AND f.followee_id = c.author_id)) AS following
    FROM comments c JOIN users u ON u.id = c.author_id WHERE c.article_id = :commented_id ORDER BY c.id LIMIT 100 OFFSET 0) c ON true
WHERE a.id = :commented_id ORDER BY c.id;

\echo '### Q12 profile (GET /api/profiles/:username)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT u.id, u.username, u.bio, u.image,
       (:viewer::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = :viewer AND f.followee_id = u.id)) AS following
FROM users u WHERE u.username = :'author';

\echo '### Q13 popular tags (GET /api/tags)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT name FROM tags WHERE article_count > 0 ORDER BY article_count DESC, name LIMIT 1000;

\echo '### Q14 login lookup (POST /api/users/login)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
SELECT id, username, email, bio, image, password_hash FROM users WHERE lower(email) = lower('user42@example.com');

-- What each index is worth: the same queries with the index dropped inside a transaction that is
-- rolled back (nothing changes), and the count(*) that the trigger-maintained counters replace.
\echo '### W1 global list page 1 WITHOUT articles_created_idx'
BEGIN;
DROP INDEX articles_created_idx;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT a.id AS id FROM articles a ORDER BY a.created_at DESC, a.id DESC LIMIT 20 OFFSET 0;
ROLLBACK;

\echo '### W2 author list WITHOUT articles_author_created_idx'
BEGIN;
DROP INDEX articles_author_created_idx;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT a.id AS id FROM articles a WHERE a.author_id = (SELECT id FROM users WHERE username = :'author')
ORDER BY a.created_at DESC, a.id DESC LIMIT 20 OFFSET 0;
ROLLBACK;

\echo '### W3 tag list WITHOUT article_tags_tag_created_idx'
BEGIN;
DROP INDEX article_tags_tag_created_idx;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT x.article_id AS id FROM article_tags x WHERE x.tag_id = (SELECT id FROM tags WHERE name = :'bigtag')
ORDER BY x.created_at DESC, x.article_id DESC LIMIT 20 OFFSET 0;
ROLLBACK;

\echo '### W4 feed WITHOUT articles_author_created_idx (and without the LATERAL bound)'
BEGIN;
DROP INDEX articles_author_created_idx;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT a.id FROM articles a WHERE a.author_id IN (SELECT followee_id FROM follows WHERE follower_id = :viewer)
ORDER BY a.created_at DESC, a.id DESC LIMIT 20;
ROLLBACK;

\echo '### W5 single article WITHOUT articles_slug_key'
BEGIN;
DROP INDEX articles_slug_key;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM articles WHERE slug = :'hotslug';
ROLLBACK;

\echo '### W6 counts by count(*) instead of counters: global, big tag, top author'
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) FROM articles;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) FROM article_tags WHERE tag_id = (SELECT id FROM tags WHERE name = :'bigtag');
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) FROM articles WHERE author_id = (SELECT id FROM users WHERE username = :'author');

\echo '### W7 login lookup WITHOUT users_email_key'
BEGIN;
DROP INDEX users_email_key;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM users WHERE lower(email) = lower('user42@example.com');
ROLLBACK;
