package crm

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// hashToken is SHA-256: tokens carry 256 bits of randomness, so a slow
// password hash would add cost on every request and no safety.
func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new API token called name and returns its secret,
// which is not stored and can't be shown again.
func (s *Store) CreateToken(ctx context.Context, name string) (APIToken, string, error) {
	name = cleanName(name)
	if name == "" {
		return APIToken{}, "", Errorf(CodeInvalid, "name", "a token needs a name (e.g. the telephone system that uses it)")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return APIToken{}, "", internal(err, "making token")
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	t := APIToken{Name: name, CreatedAt: now.UTC()}
	err := s.inTx(ctx, func(tx *txn) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (name, hash, created_at) VALUES (?, ?, ?) RETURNING id`,
			name, hashToken(secret), now.UnixMilli()).Scan(&t.ID)
		if isUniqueViolation(err) {
			return Errorf(CodeConflict, "name", "there is already a token called %q", name)
		}
		if err != nil {
			return internal(err, "saving token")
		}
		return nil
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, secret, nil
}

// Tokens lists all tokens, revoked ones included, by name.
func (s *Store) Tokens(ctx context.Context) ([]APIToken, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY name`)
	if err != nil {
		return nil, internal(err, "listing tokens")
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var created int64
		var used, revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &created, &used, &revoked); err != nil {
			return nil, internal(err, "listing tokens")
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = time.UnixMilli(created).UTC(), millis(used), millis(revoked)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing tokens")
	}
	return out, nil
}

// RevokeToken stops the token called name from working.
func (s *Store) RevokeToken(ctx context.Context, name string) error {
	defer s.tokens.forget()
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`,
			s.now().UnixMilli(), cleanName(name))
		if err != nil {
			return internal(err, "revoking token")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "name", "no active token called %q", cleanName(name))
		}
		return nil
	})
}

// AuthenticateToken returns the live token whose secret this is. Any failure
// is CodeUnauthorised with the same message, so a caller learns nothing
// about which tokens exist.
func (s *Store) AuthenticateToken(ctx context.Context, secret string) (APIToken, error) {
	denied := Errorf(CodeUnauthorised, "authorization", "missing or invalid API token")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return APIToken{}, denied
	}
	hash := hashToken(secret)
	if t, ok := s.tokens.get(hash); ok {
		return t, nil
	}
	var t APIToken
	var created int64
	// The look-up is by hash, so timing reveals nothing about the secret.
	err := s.read.QueryRowContext(ctx, `SELECT id, name, created_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`,
		hash).Scan(&t.ID, &t.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, denied
	}
	if err != nil {
		return APIToken{}, internal(err, "checking token")
	}
	t.CreatedAt = time.UnixMilli(created).UTC()
	s.tokens.put(hash, t)
	return t, nil
}
