package crm

import (
	"database/sql"
	"strings"
	"time"
)

// DateLayout is how calendar dates are written in files and in the database.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date; an empty string is the zero time.
func ParseDate(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, Errorf(CodeInvalid, field, "%q is not a date as YYYY-MM-DD", s)
	}
	return d, nil
}

// formatDate is the inverse of ParseDate; zero is "".
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateLayout)
}

// dateArg turns a date into a nullable column value.
func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(DateLayout)
}

// scanDate reads a nullable date column.
func scanDate(ns sql.NullString) time.Time {
	if !ns.Valid || ns.String == "" {
		return time.Time{}
	}
	t, err := time.Parse(DateLayout, ns.String)
	if err != nil {
		return time.Time{}
	}
	return t
}

// millis turns a nullable Unix-millisecond column into a time.
func millis(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

// YearsBetween counts whole years from since to now, for "client for 7 years".
func YearsBetween(since, now time.Time) int {
	if since.IsZero() || now.Before(since) {
		return 0
	}
	y := now.Year() - since.Year()
	if now.Month() < since.Month() || (now.Month() == since.Month() && now.Day() < since.Day()) {
		y--
	}
	return y
}
