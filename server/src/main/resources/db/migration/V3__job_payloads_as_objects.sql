-- Job payloads were stored as a JSON string holding the object's text (the driver sends a Java
-- String to a jsonb parameter as a JSON string); JobQueue now binds the object itself. Unwrap the
-- old rows so payload->>'key' works in SQL (admin queries, the fault suite) for every job.
UPDATE jobs SET payload = (payload #>> '{}')::jsonb WHERE jsonb_typeof(payload) = 'string';
