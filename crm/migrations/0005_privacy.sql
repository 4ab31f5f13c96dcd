-- Privacy: an audit log of who looked at or changed personal data, and an
-- index that lets erasure and retention find the history entry of a call.

-- One row per audited action. The log itself holds no personal data: people
-- are referred to by id (subject_kind 'contact', 'call', 'organisation',
-- 'user', 'token'), never by name or number, so it can be kept after a
-- person is erased. user_id is the console user who acted (no foreign key:
-- the log outlives what it names); actor names anyone else, such as an API
-- token ("token pbx") or the command line.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    user_id       INTEGER,
    actor         TEXT    NOT NULL DEFAULT '',
    action        TEXT    NOT NULL CHECK (action <> ''),
    subject_kind  TEXT    NOT NULL DEFAULT '',
    subject_id    INTEGER NOT NULL DEFAULT 0,
    detail        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id);

-- The log is append-only: what happened can't be rewritten afterwards.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The 'call' history entry a call made (call_id holds calls.id as text).
CREATE INDEX interactions_call ON interactions (call_id) WHERE call_id <> '';

-- The calls recognised as one person: erasure finds them, and deleting a
-- contact (ON DELETE SET NULL) no longer scans every call.
CREATE INDEX calls_contact ON calls (contact_id) WHERE contact_id IS NOT NULL;
