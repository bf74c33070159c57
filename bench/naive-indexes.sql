-- The naive schema: primary keys and UNIQUE constraints only (they are correctness, a first
-- version declares them too); every other index on the RealWorld tables is what the "indexes"
-- practice adds. bench/proof.py saves these definitions, drops them for the naive runs and
-- recreates them from the saved definitions afterwards.
SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'public'
   AND tablename IN ('users', 'follows', 'articles', 'tags', 'article_tags', 'favorites', 'comments')
   AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%'
 ORDER BY indexname;
