-- A shard of a sharded deployment (docs/sharding.md). A shard holds whole partitions of the
-- content: partition p is the articles whose id hashes to p, with their tags' links, comments and
-- favorites (same hash of the article id), so everything written together for one article lives
-- on one shard and its transaction stays on that shard. The directory database (DATABASE_URL)
-- sees each partition's tables as foreign tables and routes rows to them (postgres_fdw).
--
-- postgres_fdw runs its remote sessions with search_path = pg_catalog: the shard's trigger
-- functions set their own.
--
-- Partitions are created by hotpath_create_partition(p) when the directory places them here;
-- the tables mirror db/migration's, with the same indexes (each names the query it serves there).

-- Row version: bumped on every UPDATE of an article (http.Fingerprint builds ETags from it).
CREATE FUNCTION hotpath_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END $$;

CREATE FUNCTION hotpath_create_partition(p integer) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format($$
    CREATE TABLE articles_p%1$s (
        id              bigint PRIMARY KEY,
        slug            text        NOT NULL UNIQUE,
        title           text        NOT NULL,
        description     text        NOT NULL,
        body            text        NOT NULL,
        author_id       bigint      NOT NULL,
        favorites_count integer     NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        version         bigint      NOT NULL DEFAULT 1);
    CREATE INDEX ON articles_p%1$s (created_at DESC, id DESC);
    CREATE INDEX ON articles_p%1$s (author_id, created_at DESC, id DESC);
    CREATE TRIGGER articles_version BEFORE UPDATE ON articles_p%1$s
        FOR EACH ROW EXECUTE FUNCTION hotpath_bump_version();

    -- tag links: no cascade from the article; the directory deletes them (its tag counters)
    CREATE TABLE article_tags_p%1$s (
        article_id bigint      NOT NULL,
        tag_id     integer     NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (article_id, tag_id));
    CREATE INDEX ON article_tags_p%1$s (tag_id, created_at DESC, article_id DESC);

    CREATE TABLE favorites_p%1$s (
        user_id    bigint      NOT NULL,
        article_id bigint      NOT NULL REFERENCES articles_p%1$s (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, article_id));
    CREATE INDEX ON favorites_p%1$s (article_id);

    CREATE TABLE comments_p%1$s (
        id         bigint PRIMARY KEY,
        article_id bigint      NOT NULL REFERENCES articles_p%1$s (id) ON DELETE CASCADE,
        author_id  bigint      NOT NULL,
        body       text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now());
    CREATE INDEX ON comments_p%1$s (article_id, id);
    CREATE INDEX ON comments_p%1$s (author_id);

    -- this partition's share of the global article count, in 16 slots (as article_counts)
    CREATE TABLE article_counts_p%1$s (
        part integer  NOT NULL DEFAULT %1$s CHECK (part = %1$s),
        slot smallint PRIMARY KEY,
        n    bigint   NOT NULL DEFAULT 0);
    INSERT INTO article_counts_p%1$s (slot) SELECT generate_series(0, 15);

    -- counters that stay on the shard, exact inside the shard's transaction
    CREATE FUNCTION articles_count_p%1$s() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $t$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE article_counts_p%1$s SET n = n + 1 WHERE slot = NEW.id %% 16;
      ELSE
        UPDATE article_counts_p%1$s SET n = n - 1 WHERE slot = OLD.id %% 16;
      END IF;
      RETURN NULL;
    END $t$;
    CREATE TRIGGER articles_count AFTER INSERT OR DELETE ON articles_p%1$s
        FOR EACH ROW EXECUTE FUNCTION articles_count_p%1$s();

    CREATE FUNCTION favorites_count_p%1$s() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS $t$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE articles_p%1$s SET favorites_count = favorites_count + 1 WHERE id = NEW.article_id;
      ELSE
        UPDATE articles_p%1$s SET favorites_count = favorites_count - 1 WHERE id = OLD.article_id;
      END IF;
      RETURN NULL;
    END $t$;
    CREATE TRIGGER favorites_count AFTER INSERT OR DELETE ON favorites_p%1$s
        FOR EACH ROW EXECUTE FUNCTION favorites_count_p%1$s();
  $$, p);
END $fn$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') THEN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_stat_statements not installed: insufficient privilege';
END $$;
