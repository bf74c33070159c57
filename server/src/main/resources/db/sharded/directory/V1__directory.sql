-- The directory of a sharded deployment (DATABASE_URL; docs/sharding.md): what is global or small
-- (users, follows, tags, the slug directory, jobs, notifications, webhooks, exports) lives here;
-- the content (articles, their tag links, comments, favorites) lives on the shards, in partitions
-- by hash of the article id, seen here as foreign tables (postgres_fdw) under partitioned tables
-- of the same names as db/migration's, so Hotpath's SQL runs unchanged.
--
-- Global uniqueness: usernames and e-mails by the users table's indexes (it is not sharded);
-- slugs by article_slugs, kept by triggers on articles. Counters that cross the boundary
-- (users.articles_count, tags.article_count) are kept by triggers here, in the same coordinator
-- transaction as the shard's write (postgres_fdw commits the shard first, then here: a crash
-- between the two commits leaves a counter off by one; docs/sharding.md says how to repair it).

CREATE EXTENSION IF NOT EXISTS postgres_fdw;

CREATE TABLE users (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username          text        NOT NULL,
    email             text        NOT NULL,
    password_hash     text        NOT NULL,
    bio               text,
    image             text,
    articles_count    integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    token_version     integer     NOT NULL DEFAULT 0,
    password_session  text,
    version           bigint      NOT NULL DEFAULT 1,
    username_key      text        NOT NULL  -- user.Usernames' canonical form (V5 on one database)
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_username_norm_key ON users (username_key);
CREATE TABLE username_collisions (
    user_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    username     text        NOT NULL,
    username_key text        NOT NULL,
    kept_user_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    found_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE follows (
    follower_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

CREATE TABLE tags (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text    NOT NULL,
    article_count integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX tags_name_key ON tags (name);
CREATE INDEX tags_popular_idx ON tags (article_count DESC, name) WHERE article_count > 0;

-- The slug directory: global uniqueness of slugs, whatever shard the article lives on.
CREATE TABLE article_slugs (
    slug       text   PRIMARY KEY,
    article_id bigint NOT NULL
);

-- Which shard (foreign server) holds each partition; written when a partition is placed or moved.
CREATE TABLE shard_placements (
    partition integer PRIMARY KEY,
    server    text    NOT NULL
);

-- The sharded content: partitioned by hash of the article id; partitions are attached by
-- hotpath_attach_partition. Ids are drawn here (identity), so they are unique across shards.
CREATE TABLE articles (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    slug            text        NOT NULL,
    title           text        NOT NULL,
    description     text        NOT NULL,
    body            text        NOT NULL,
    author_id       bigint      NOT NULL,
    favorites_count integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         bigint      NOT NULL DEFAULT 1
) PARTITION BY HASH (id);

CREATE TABLE article_tags (
    article_id bigint      NOT NULL,
    tag_id     integer     NOT NULL,
    created_at timestamptz NOT NULL
) PARTITION BY HASH (article_id);

CREATE TABLE favorites (
    user_id    bigint      NOT NULL,
    article_id bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY HASH (article_id);

CREATE TABLE comments (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    article_id bigint      NOT NULL,
    author_id  bigint      NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY HASH (article_id);

CREATE TABLE article_counts (
    part integer  NOT NULL,
    slot smallint NOT NULL,
    n    bigint   NOT NULL
) PARTITION BY LIST (part);

-- Slugs: a new article claims its slug here first; a taken slug skips the row, which is what
-- INSERT ... ON CONFLICT DO NOTHING answers on one database (ArticleQueries.INSERT).
CREATE FUNCTION articles_slug_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO article_slugs (slug, article_id) VALUES (NEW.slug, NEW.id) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER articles_slug_claim BEFORE INSERT ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_slug_claim();

-- A renamed article moves its slug; a taken one fails as the unique index does on one database.
CREATE FUNCTION articles_slug_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.slug IS DISTINCT FROM OLD.slug THEN
    BEGIN
      INSERT INTO article_slugs (slug, article_id) VALUES (NEW.slug, NEW.id);
    EXCEPTION WHEN unique_violation THEN
      RAISE unique_violation USING MESSAGE = 'duplicate key value violates unique constraint "articles_slug_key"',
                                   CONSTRAINT = 'articles_slug_key';
    END;
    DELETE FROM article_slugs WHERE slug = OLD.slug AND article_id = OLD.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER articles_slug_move BEFORE UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_slug_move();

-- Counters here that follow the shards' rows. Tag links are deleted here, not by a cascade on the
-- shard, so tag counters see every removed link; comments and favorites cascade on the shard.
CREATE FUNCTION articles_directory_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET articles_count = articles_count + 1 WHERE id = NEW.author_id;
  ELSE
    UPDATE users SET articles_count = articles_count - 1 WHERE id = OLD.author_id;
    DELETE FROM article_slugs WHERE slug = OLD.slug AND article_id = OLD.id;
    DELETE FROM article_tags WHERE article_id = OLD.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER articles_directory AFTER INSERT OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_directory_trg();

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

CREATE FUNCTION bump_version_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END $$;
CREATE TRIGGER users_version BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION bump_version_trg();

-- Attaches partition p (of modulus m) held by foreign server srv: one foreign table per content
-- table, named as on the shard, and records the placement.
CREATE FUNCTION hotpath_attach_partition(p integer, m integer, srv text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['articles', 'article_tags', 'favorites', 'comments'] LOOP
    EXECUTE format('CREATE FOREIGN TABLE %1$I_p%2$s PARTITION OF %1$I'
                   ' FOR VALUES WITH (MODULUS %3$s, REMAINDER %2$s)'
                   ' SERVER %4$I OPTIONS (table_name %5$L)', t, p, m, srv, t || '_p' || p);
  END LOOP;
  EXECUTE format('CREATE FOREIGN TABLE article_counts_p%1$s PARTITION OF article_counts'
                 ' FOR VALUES IN (%1$s) SERVER %2$I OPTIONS (table_name %3$L)',
                 p, srv, 'article_counts_p' || p);
  INSERT INTO shard_placements (partition, server) VALUES (p, srv)
  ON CONFLICT (partition) DO UPDATE SET server = EXCLUDED.server;
END $fn$;

-- Jobs, notifications, webhooks and exports: as db/migration V2-V9 leave them (notifications keep
-- the article id without a foreign key: the article lives on a shard).
CREATE TABLE jobs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL,
    status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts     integer     NOT NULL DEFAULT 0,
    max_attempts integer     NOT NULL,
    run_at       timestamptz NOT NULL,
    locked_by    text,
    locked_until timestamptz,
    last_error   text,
    request_id   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (locked_until) WHERE status = 'running';
CREATE INDEX jobs_dead_idx ON jobs (id DESC) WHERE status = 'dead';
CREATE INDEX jobs_pending_kind_idx ON jobs (kind) WHERE status IN ('queued', 'running');

CREATE FUNCTION jobs_notify_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hotpath_jobs', '');
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify_trg();

CREATE TABLE notifications (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type          text        NOT NULL CHECK (type IN ('follow', 'favorite', 'comment')),
    actor_id      bigint      REFERENCES users (id) ON DELETE CASCADE,
    article_id    bigint,
    comment_id    bigint,
    source_job_id bigint      NOT NULL UNIQUE,
    read_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_user_event_idx ON notifications (user_id, source_job_id DESC);

CREATE TABLE webhooks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url             text        NOT NULL,
    events          text[]      NOT NULL,
    secret          text        NOT NULL,
    last_status     integer,
    last_error      text,
    last_attempt_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user_idx ON webhooks (user_id);

CREATE TABLE webhook_deliveries (
    job_id     bigint NOT NULL,
    webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (job_id, webhook_id)
);

CREATE TABLE exports (
    job_id     bigint PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format     text   NOT NULL,
    path       text,
    rows       bigint,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exports_created_idx ON exports (created_at);

CREATE TABLE notification_marks (
    recipient_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    actor_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    article_id   bigint      NOT NULL,
    sent_at      timestamptz NOT NULL,
    PRIMARY KEY (recipient_id, actor_id, kind, article_id)
);
CREATE INDEX notification_marks_sent_idx ON notification_marks (sent_at);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') THEN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_stat_statements not installed: insufficient privilege';
END $$;
