-- ExportRepository.PENDING: a user's queued or running exports (quota, de-duplication), without
-- scanning the jobs that are done (they stay in the table)
CREATE INDEX jobs_pending_kind_idx ON jobs (kind) WHERE status IN ('queued', 'running');

-- ExportRepository.EXPIRED: finished exports past their retention
CREATE INDEX exports_created_idx ON exports (created_at);

-- Notifications.enqueue: one notification per (recipient, actor, kind, article) within a window;
-- the row says when the last one was sent (article_id 0 for follows, which have none)
CREATE TABLE notification_marks (
    recipient_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    actor_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    article_id   bigint      NOT NULL,
    sent_at      timestamptz NOT NULL,
    PRIMARY KEY (recipient_id, actor_id, kind, article_id)
);
-- the retention sweep of old marks
CREATE INDEX notification_marks_sent_idx ON notification_marks (sent_at);

-- WebhookRepository.CREATE counts a user's subscriptions under a lock on the user's row
-- (webhooks_user_idx already serves the count)
