-- Notifications are listed newest event first. Their jobs run concurrently, so the order in which
-- rows are inserted (id) is not the order of the events: the job id (taken when the write that
-- caused the event enqueued it, in its transaction) is, and the notification's time is the job's.
CREATE INDEX notifications_user_event_idx ON notifications (user_id, source_job_id DESC);
DROP INDEX notifications_user_idx;
