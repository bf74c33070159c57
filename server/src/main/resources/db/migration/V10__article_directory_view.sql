-- The article directory, as SQL reads it: which article a slug names, and each article's author and
-- creation time (what the global list, the author list and the feed are ordered and filtered by).
-- A sharded deployment keeps it as a table in the directory database (db/sharded/directory), so
-- that a slug lookup or a list page's ids never ask the shards; on one database it is this view
-- over articles, which the planner inlines (the same index scans as on articles).
CREATE VIEW article_directory AS SELECT slug, id AS article_id, created_at, author_id FROM articles;
