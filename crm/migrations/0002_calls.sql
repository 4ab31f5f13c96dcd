-- Calls as telephone systems report them, the events that built each call
-- record, and the API tokens telephone systems authenticate with.

-- One row per call per source. Status is derived from which events arrived,
-- never from their order, so an 'ended' before its 'ringing' still gives one
-- consistent record.
CREATE TABLE calls (
    id                INTEGER PRIMARY KEY,
    source            TEXT    NOT NULL,
    external_id       TEXT    NOT NULL CHECK (external_id <> ''),
    status            TEXT    NOT NULL CHECK (status IN ('ringing', 'answered', 'ended', 'missed')),
    from_raw          TEXT    NOT NULL DEFAULT '',
    from_e164         TEXT    NOT NULL DEFAULT '',
    from_national     TEXT    NOT NULL DEFAULT '',
    to_raw            TEXT    NOT NULL DEFAULT '',
    to_e164           TEXT    NOT NULL DEFAULT '',
    forwarded_raw     TEXT    NOT NULL DEFAULT '',
    forwarded_e164    TEXT    NOT NULL DEFAULT '',
    match             TEXT    NOT NULL DEFAULT '',
    contact_id        INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    organisation_id   INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    employee_id       INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    calling_for_id    INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    agent             TEXT    NOT NULL DEFAULT '',
    taken_by_id       INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    ringing_at        INTEGER,
    answered_at       INTEGER,
    ended_at          INTEGER,
    missed            INTEGER NOT NULL DEFAULT 0,
    handled_at        INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (source, external_id)
);
CREATE INDEX calls_created ON calls (created_at DESC);
CREATE INDEX calls_from ON calls (from_e164);
CREATE INDEX calls_organisation ON calls (organisation_id, created_at DESC);

-- Every accepted event, once. The id doubles as the live-event id that
-- Server-Sent Events resume from; dedup_key refuses a second delivery.
CREATE TABLE call_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id      INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    dedup_key    TEXT    NOT NULL UNIQUE,
    event        TEXT    NOT NULL,
    occurred_at  INTEGER NOT NULL,
    received_at  INTEGER NOT NULL
);
CREATE INDEX call_events_call ON call_events (call_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    hash          TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
