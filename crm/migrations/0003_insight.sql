-- Commercial insight: how a callback or lead was closed and by whom, what a
-- won lead is worth, the hint (or check-in) a request came from, the firm's
-- commercial goals and what each role contributes to them.

-- Who closed a callback or lead; NULL for rows closed before this column.
ALTER TABLE interactions ADD COLUMN done_by_id INTEGER REFERENCES employees (id) ON DELETE SET NULL;
-- How a lead ended: '' (open, or closed without a verdict), 'won' or 'lost'.
ALTER TABLE interactions ADD COLUMN outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'won', 'lost'));
-- The annual value of what a won lead sold, in cents.
ALTER TABLE interactions ADD COLUMN value_cents INTEGER NOT NULL DEFAULT 0 CHECK (value_cents >= 0);
-- The entry this one came from: a lead from the hint a caller was
-- interested in, a callback from a check-in.
ALTER TABLE interactions ADD COLUMN origin_id INTEGER REFERENCES interactions (id) ON DELETE SET NULL;

-- Hints read an organisation's offers (hints, leads) of any age without
-- walking its whole history.
CREATE INDEX interactions_organisation_kind ON interactions (organisation_id, kind, occurred_at);
-- Dashboards and goals count one kind over a period.
CREATE INDEX interactions_kind_time ON interactions (kind, occurred_at);
CREATE INDEX interactions_kind_done ON interactions (kind, done_at) WHERE done_at IS NOT NULL;
-- The care list skips organisations with an open callback.
CREATE INDEX interactions_organisation_open ON interactions (organisation_id, kind) WHERE status = 'open';
-- The care list walks active clients by value, largest first.
CREATE INDEX organisations_status_value ON organisations (status, annual_value_cents DESC);

-- A commercial goal for a period; progress is computed from the data.
-- Metrics are validated in Go so that new ones need no migration.
CREATE TABLE goals (
    id            INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL CHECK (title <> ''),
    metric        TEXT    NOT NULL CHECK (metric <> ''),
    target        REAL    NOT NULL CHECK (target > 0),
    period_start  TEXT    NOT NULL,
    period_end    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK (period_end >= period_start)
);

-- What each role contributes to the goals, in the admins' words.
CREATE TABLE role_contributions (
    role        TEXT    PRIMARY KEY,
    text        TEXT    NOT NULL CHECK (text <> ''),
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
