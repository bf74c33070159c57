-- Row versions: PostgreSQL bumps them on every UPDATE of the row (whatever statement or trigger
-- does it: an edit, a favorite's count, a profile change, an author's article count), so a cached
-- article or profile says which version it is. The HTTP validators (ETags) and the keys of the
-- kept encoded answers are built from them (http.Fingerprint): a conditional GET is answered 304
-- without building the body.
ALTER TABLE articles ADD COLUMN version bigint NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION bump_version_trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END $$;
CREATE TRIGGER articles_version BEFORE UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION bump_version_trg();
CREATE TRIGGER users_version BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION bump_version_trg();
