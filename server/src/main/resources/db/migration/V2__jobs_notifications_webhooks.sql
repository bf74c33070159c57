-- Durable job queue (transactional outbox), notifications and webhooks. See docs/jobs.md.

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
-- JobQueries.CLAIM: due jobs in order, skipping rows other workers hold (FOR UPDATE SKIP LOCKED)
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE status = 'queued';
-- JobQueries.REQUEUE_EXPIRED: leases of crashed workers
CREATE INDEX jobs_lease_idx ON jobs (locked_until) WHERE status = 'running';
-- admin list of dead jobs
CREATE INDEX jobs_dead_idx ON jobs (id DESC) WHERE status = 'dead';

-- An idle worker wakes within milliseconds of a commit that enqueued work (and polls every second anyway).
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
    article_id    bigint      REFERENCES articles (id) ON DELETE CASCADE,
    comment_id    bigint,
    source_job_id bigint      NOT NULL UNIQUE,  -- at-least-once delivery: a re-run job inserts nothing twice
    read_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
-- NotificationQueries.PAGE (newest first) and the unread count
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

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
    job_id     bigint NOT NULL,   -- the notification job that caused it
    webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    PRIMARY KEY (job_id, webhook_id)  -- one delivery job per (event, subscription), even if the cause re-runs
);

CREATE TABLE exports (
    job_id     bigint PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format     text   NOT NULL,
    path       text,
    rows       bigint,
    created_at timestamptz NOT NULL DEFAULT now()
);
