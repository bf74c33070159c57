-- Re-points partition p to server srv (db.Shards.move): its foreign tables are detached, dropped
-- and created again on srv, in the caller's transaction, which already holds the locks that stop
-- writes to the content (docs/sharding.md "Adding a shard").
CREATE FUNCTION hotpath_move_partition(p integer, m integer, srv text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['articles', 'article_tags', 'favorites', 'comments', 'article_counts'] LOOP
    EXECUTE format('ALTER TABLE %1$I DETACH PARTITION %1$I_p%2$s', t, p);
    EXECUTE format('DROP FOREIGN TABLE %I_p%s', t, p);
  END LOOP;
  PERFORM hotpath_attach_partition(p, m, srv);
END $fn$;
