-- Tokens carry a random session id (claim "sid"). A password change revokes every token issued
-- before it except those of the session that made the change, recorded here: "sign out my other
-- sessions", which keeps the client that changed the password signed in (the RealWorld conformance
-- suite goes on using its token) while a stolen token from anywhere else stops working.
ALTER TABLE users ADD COLUMN password_session text;
