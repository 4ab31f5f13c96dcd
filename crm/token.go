package crm

import "time"

// APIToken lets a telephone system call the API. The secret is shown once
// at creation; only its SHA-256 hash is stored.
type APIToken struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// TokenPrefix starts every token so that one leaked in a log or a paste is
// recognisable (and scannable) as a callcard secret.
const TokenPrefix = "cc_"
