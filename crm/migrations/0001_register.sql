-- The client register: our staff, client organisations, their people,
-- every telephone number normalised to E.164, services and history.
-- Timestamps are Unix milliseconds (UTC); calendar dates are 'YYYY-MM-DD'.

CREATE TABLE employees (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (name <> ''),
    email       TEXT    NOT NULL DEFAULT '',
    role        TEXT    NOT NULL CHECK (role IN ('receptionist', 'account_manager', 'service_manager', 'admin', 'engineer')),
    extension   TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX employees_name_key ON employees (lower(name));
CREATE UNIQUE INDEX employees_email_key ON employees (lower(email)) WHERE email <> '';
CREATE INDEX employees_extension ON employees (extension) WHERE extension <> '';

CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL CHECK (name <> ''),
    name_key            TEXT    NOT NULL UNIQUE,
    status              TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'prospect', 'former')),
    client_since        TEXT,
    annual_value_cents  INTEGER NOT NULL DEFAULT 0 CHECK (annual_value_cents >= 0),
    account_manager_id  INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX organisations_account_manager ON organisations (account_manager_id);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL CHECK (name <> ''),
    name_key         TEXT    NOT NULL,
    job_title        TEXT    NOT NULL DEFAULT '',
    email            TEXT    NOT NULL DEFAULT '',
    language         TEXT    NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- A person is identified within their organisation by name; import relies on it.
CREATE UNIQUE INDEX contacts_org_name ON contacts (organisation_id, name_key);

-- Every number has exactly one owner: a contact, an organisation (switchboard,
-- shared line) or an employee. e164 is what recognition looks up; raw is what
-- the person typed, kept for display.
CREATE TABLE phone_numbers (
    id               INTEGER PRIMARY KEY,
    e164             TEXT    NOT NULL CHECK (e164 LIKE '+%'),
    raw              TEXT    NOT NULL,
    label            TEXT    NOT NULL CHECK (label IN ('mobile', 'direct', 'switchboard', 'home', 'other')),
    contact_id       INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
    organisation_id  INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    employee_id      INTEGER REFERENCES employees (id) ON DELETE CASCADE,
    CHECK ((contact_id IS NOT NULL) + (organisation_id IS NOT NULL) + (employee_id IS NOT NULL) = 1)
);
CREATE INDEX phone_numbers_e164 ON phone_numbers (e164);
CREATE UNIQUE INDEX phone_numbers_contact ON phone_numbers (contact_id, e164) WHERE contact_id IS NOT NULL;
CREATE UNIQUE INDEX phone_numbers_organisation ON phone_numbers (organisation_id, e164) WHERE organisation_id IS NOT NULL;
CREATE UNIQUE INDEX phone_numbers_employee ON phone_numbers (employee_id, e164) WHERE employee_id IS NOT NULL;

-- A registered direct-dial block: any number starting with prefix probably
-- belongs to someone at the organisation. Longest prefix wins.
CREATE TABLE number_ranges (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    prefix           TEXT    NOT NULL UNIQUE CHECK (prefix LIKE '+%'),
    raw              TEXT    NOT NULL
);
CREATE INDEX number_ranges_organisation ON number_ranges (organisation_id);

CREATE TABLE services (
    id        INTEGER PRIMARY KEY,
    code      TEXT    NOT NULL UNIQUE CHECK (code <> ''),
    name      TEXT    NOT NULL CHECK (name <> ''),
    pitch     TEXT    NOT NULL DEFAULT '',
    keywords  TEXT    NOT NULL DEFAULT '' -- space-separated words that make it relevant
);

-- service_id complements complement_of: holding complement_of makes service_id
-- worth mentioning, with weight in (0, 1].
CREATE TABLE service_complements (
    service_id     INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    complement_of  INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    weight         REAL    NOT NULL CHECK (weight > 0 AND weight <= 1),
    PRIMARY KEY (service_id, complement_of),
    CHECK (service_id <> complement_of)
) WITHOUT ROWID;

CREATE TABLE subscriptions (
    id                  INTEGER PRIMARY KEY,
    organisation_id     INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    service_id          INTEGER NOT NULL REFERENCES services (id) ON DELETE RESTRICT,
    since               TEXT,
    annual_value_cents  INTEGER NOT NULL DEFAULT 0 CHECK (annual_value_cents >= 0),
    renewal_date        TEXT,
    status              TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'ended')),
    UNIQUE (organisation_id, service_id)
);

-- The time-ordered history of an organisation and its people.
CREATE TABLE interactions (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    contact_id       INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('call', 'note', 'callback', 'visit', 'email', 'hint', 'lead', 'care')),
    occurred_at      INTEGER NOT NULL,
    author_id        INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    assignee_id      INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    service_id       INTEGER REFERENCES services (id) ON DELETE SET NULL,
    call_id          TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT '',
    summary          TEXT    NOT NULL DEFAULT '',
    done_at          INTEGER,
    done_note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX interactions_organisation ON interactions (organisation_id, occurred_at DESC);
CREATE INDEX interactions_contact ON interactions (contact_id, occurred_at DESC);
CREATE INDEX interactions_open ON interactions (assignee_id, occurred_at) WHERE status = 'open';
