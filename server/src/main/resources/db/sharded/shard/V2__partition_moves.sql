-- Moving a partition between shards (db.Shards.move, docs/sharding.md "Adding a shard"). The
-- source publishes the partition's tables and hotpath_move_marks; the target subscribes. Once the
-- directory has stopped writes to the content, a mark written on the source and seen on the target
-- proves that every write acknowledged before it has been applied there (logical replication
-- applies transactions in commit order).
CREATE TABLE hotpath_move_marks (
    token text        PRIMARY KEY,
    at    timestamptz NOT NULL DEFAULT now()
);

-- Drops partition p's tables and their counter functions: on the source once the directory reads
-- the target, or on a target whose move was abandoned before the switch.
CREATE FUNCTION hotpath_drop_partition(p integer) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('DROP TABLE IF EXISTS comments_p%1$s, favorites_p%1$s, article_tags_p%1$s,'
                 ' articles_p%1$s, article_counts_p%1$s', p);
  EXECUTE format('DROP FUNCTION IF EXISTS articles_count_p%1$s(), favorites_count_p%1$s()', p);
END $fn$;
