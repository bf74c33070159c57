-- The slug directory becomes the article directory: each article's slug, author and creation time,
-- written in the transaction that routes the article to its shard. The global list, the author
-- list and the feed find their ids here, in one index scan, instead of merging every partition;
-- their views then come from the article's own partition (db/migration V10 is the same shape on
-- one database, as a view).
ALTER TABLE article_slugs RENAME TO article_directory;
ALTER TABLE article_directory RENAME CONSTRAINT article_slugs_pkey TO article_directory_pkey;
ALTER TABLE article_directory ADD COLUMN created_at timestamptz, ADD COLUMN author_id bigint;
UPDATE article_directory d SET created_at = a.created_at, author_id = a.author_id
FROM articles a WHERE a.id = d.article_id;
DELETE FROM article_directory WHERE created_at IS NULL;
ALTER TABLE article_directory ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN author_id SET NOT NULL;
CREATE INDEX article_directory_created_idx ON article_directory (created_at DESC, article_id DESC);
CREATE INDEX article_directory_author_idx ON article_directory (author_id, created_at DESC, article_id DESC);

CREATE OR REPLACE FUNCTION articles_slug_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO article_directory (slug, article_id, created_at, author_id)
  VALUES (NEW.slug, NEW.id, NEW.created_at, NEW.author_id) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION articles_slug_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.slug IS DISTINCT FROM OLD.slug THEN
    BEGIN
      INSERT INTO article_directory (slug, article_id, created_at, author_id)
      VALUES (NEW.slug, NEW.id, NEW.created_at, NEW.author_id);
    EXCEPTION WHEN unique_violation THEN
      RAISE unique_violation USING MESSAGE = 'duplicate key value violates unique constraint "articles_slug_key"',
                                   CONSTRAINT = 'articles_slug_key';
    END;
    DELETE FROM article_directory WHERE slug = OLD.slug AND article_id = OLD.id;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION articles_directory_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET articles_count = articles_count + 1 WHERE id = NEW.author_id;
  ELSE
    UPDATE users SET articles_count = articles_count - 1 WHERE id = OLD.author_id;
    DELETE FROM article_directory WHERE slug = OLD.slug AND article_id = OLD.id;
    DELETE FROM article_tags WHERE article_id = OLD.id;
  END IF;
  RETURN NULL;
END $$;
