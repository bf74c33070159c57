-- Hotpath schema. Every index names the query it serves; docs/database.md holds the plans.
-- Ordering of every article list is (created_at DESC, id DESC): id breaks ties.

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text        NOT NULL,
    email          text        NOT NULL,
    password_hash  text        NOT NULL,
    bio            text,
    image          text,
    articles_count integer     NOT NULL DEFAULT 0,  -- maintained by trigger: author list / feed counts
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- UserQueries.BY_USERNAME, profile pages, ?author= and ?favorited= filters
CREATE UNIQUE INDEX users_username_key ON users (username);
-- UserQueries.BY_EMAIL (login); e-mail addresses are unique regardless of case
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE follows (
    follower_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),  -- feed: whom do I follow; "following" flag lookups
    CHECK (follower_id <> followee_id)
);
-- followers of a user (fan-out of notifications, follower counts, cascade on user delete)
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

CREATE TABLE articles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            text        NOT NULL,
    title           text        NOT NULL,
    description     text        NOT NULL,
    body            text        NOT NULL,
    author_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    favorites_count integer     NOT NULL DEFAULT 0,  -- maintained by trigger
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
-- ArticleQueries single article by slug; slugs are unique
CREATE UNIQUE INDEX articles_slug_key ON articles (slug);
-- ArticleQueries global list: newest first
CREATE INDEX articles_created_idx ON articles (created_at DESC, id DESC);
-- ArticleQueries ?author= list and the feed's per-followee LATERAL scan
CREATE INDEX articles_author_created_idx ON articles (author_id, created_at DESC, id DESC);

CREATE TABLE tags (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text    NOT NULL,
    article_count integer NOT NULL DEFAULT 0  -- maintained by trigger: ?tag= count, popular tags
);
CREATE UNIQUE INDEX tags_name_key ON tags (name);
-- TagQueries.POPULAR: only tags in use, most used first (partial: unused tags cost nothing)
CREATE INDEX tags_popular_idx ON tags (article_count DESC, name) WHERE article_count > 0;

CREATE TABLE article_tags (
    article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     integer     NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,  -- the article's created_at (never changes): lets ?tag= page by index
    PRIMARY KEY (article_id, tag_id)  -- tag names of a page of articles
);
-- ArticleQueries ?tag= list: newest articles with a tag, straight from the index
CREATE INDEX article_tags_tag_created_idx ON article_tags (tag_id, created_at DESC, article_id DESC);

CREATE TABLE favorites (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, article_id)  -- "favorited" flag, ?favorited= list and count
);
-- cascade when an article is deleted; who favorited an article
CREATE INDEX favorites_article_idx ON favorites (article_id);

CREATE TABLE comments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- CommentQueries.LIST: an article's comments in order
CREATE INDEX comments_article_idx ON comments (article_id, id);
-- cascade when a user is deleted
CREATE INDEX comments_author_idx ON comments (author_id);

-- Global article count, split in 16 slots so concurrent inserts don't queue on one row.
CREATE TABLE article_counts (
    slot smallint PRIMARY KEY,
    n    bigint NOT NULL DEFAULT 0
);
INSERT INTO article_counts (slot) SELECT generate_series(0, 15);

-- Counters kept exact inside the writing transaction, so list counts never scan.
CREATE FUNCTION articles_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET articles_count = articles_count + 1 WHERE id = NEW.author_id;
    UPDATE article_counts SET n = n + 1 WHERE slot = NEW.id % 16;
  ELSE
    UPDATE users SET articles_count = articles_count - 1 WHERE id = OLD.author_id;
    UPDATE article_counts SET n = n - 1 WHERE slot = OLD.id % 16;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER articles_count AFTER INSERT OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_count_trg();

CREATE FUNCTION article_tags_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE tags SET article_count = article_count + 1 WHERE id = NEW.tag_id;
  ELSE
    UPDATE tags SET article_count = article_count - 1 WHERE id = OLD.tag_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER article_tags_count AFTER INSERT OR DELETE ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_count_trg();

CREATE FUNCTION favorites_count_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE articles SET favorites_count = favorites_count + 1 WHERE id = NEW.article_id;
  ELSE
    UPDATE articles SET favorites_count = favorites_count - 1 WHERE id = OLD.article_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER favorites_count AFTER INSERT OR DELETE ON favorites
    FOR EACH ROW EXECUTE FUNCTION favorites_count_trg();

-- Statement statistics for benchmarks and ops, where the server offers them.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') THEN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_stat_statements not installed: insufficient privilege';
END $$;
