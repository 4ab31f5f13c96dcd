package crm

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// CreateSession signs a user in for ttl and returns the session with its
// secret token (for the cookie) and CSRF token (for forms).
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (Session, error) {
	token, err := randomSecret()
	if err != nil {
		return Session{}, err
	}
	csrf, err := randomSecret()
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	sess := Session{Token: token, CSRF: csrf, CreatedAt: now.UTC(), ExpiresAt: now.Add(ttl).UTC()}
	err = s.inTx(ctx, func(tx *txn) error {
		// Expired sessions are swept whenever someone signs in: cheap, and no
		// background job to run.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now.UnixMilli()); err != nil {
			return internal(err, "sweeping sessions")
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, hashToken(token), csrf, userID, now.UnixMilli(), sess.ExpiresAt.UnixMilli()).Scan(&sess.ID)
		if isForeignKeyViolation(err) {
			return Errorf(CodeNotFound, "user", "no user with id %d", userID)
		}
		if err != nil {
			return internal(err, "saving session")
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	sess.User, err = s.User(ctx, userID)
	return sess, err
}

// SessionByToken returns the live session for a cookie's token, with its
// user. Expired, unknown and disabled-user sessions are CodeUnauthorised.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	denied := Errorf(CodeUnauthorised, "session", "not signed in")
	if token == "" || len(token) > 100 {
		return Session{}, denied
	}
	var sess Session
	var created, expires int64
	var u User
	var uCreated int64
	var disabled sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT s.id, s.csrf_token, s.created_at, s.expires_at,
		u.id, u.username, u.name, u.role, coalesce(u.employee_id, 0), u.language, u.created_at, u.disabled_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hashToken(token)).
		Scan(&sess.ID, &sess.CSRF, &created, &expires, &u.ID, &u.Username, &u.Name, &u.Role, &u.EmployeeID, &u.Language, &uCreated, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, denied
	}
	if err != nil {
		return Session{}, internal(err, "reading session")
	}
	if disabled.Valid || s.now().UnixMilli() >= expires {
		return Session{}, denied
	}
	u.CreatedAt = time.UnixMilli(uCreated).UTC()
	sess.User, sess.CreatedAt, sess.ExpiresAt = u, time.UnixMilli(created).UTC(), time.UnixMilli(expires).UTC()
	return sess, nil
}

// DeleteSession signs a browser out.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
			return internal(err, "ending session")
		}
		return nil
	})
}
