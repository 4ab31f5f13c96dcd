-- People who sign in to the console, and their sessions. Passwords are
-- bcrypt hashes; session tokens are stored as SHA-256 hashes so a copy of
-- the database can't be used to sign in.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL CHECK (username <> ''),
    name           TEXT    NOT NULL CHECK (name <> ''),
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('receptionist', 'account_manager', 'service_manager', 'admin')),
    employee_id    INTEGER REFERENCES employees (id) ON DELETE SET NULL,
    language       TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    disabled_at    INTEGER
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    csrf_token    TEXT    NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
