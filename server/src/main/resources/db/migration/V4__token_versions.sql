-- A user's tokens carry the version current when they were issued (claim "ver"); a password change
-- increments it, so every token issued before the change stops authenticating (auth.TokenVersions).
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
