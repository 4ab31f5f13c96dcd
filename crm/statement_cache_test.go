package crm

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/callcard/callcard/phone"
)

// TestHotPathsCompileOnce proves that what runs on every call (recognition,
// webhooks, cards, live events, token checks) compiles its SQL once and
// then only runs it. SQLite calls the authorizer while it compiles a
// statement, so a warm store must not call it at all.
//
// A cached statement can also be recompiled on every run: see package
// sqlitestable for why, and how the store prevents it. This test catches
// both a statement that bypasses the cache and one that recompiles.
func TestHotPathsCompileOnce(t *testing.T) {
	ctx := context.Background()
	var compiles atomic.Int64
	watch := func(c *sqlite3.SQLiteConn) error {
		c.RegisterAuthorizer(func(action int, _, _, _ string) int {
			if action != sqlite3.SQLITE_TRANSACTION { // BEGIN and COMMIT are not cacheable
				compiles.Add(1)
			}
			return sqlite3.SQLITE_OK
		})
		return nil
	}
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	s, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n, ReadConns: 1,
		Now: func() time.Time { return now }, onConnect: watch})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.LoadDemo(ctx, DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := s.CreateToken(ctx, "pbx")
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	rows, err := s.read.QueryContext(ctx, `SELECT e164 FROM phone_numbers WHERE contact_id IS NOT NULL ORDER BY id LIMIT 8`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, e)
	}
	rows.Close()
	if len(numbers) < 4 {
		t.Fatalf("demo register has %d contact numbers", len(numbers))
	}

	ops := []struct {
		name string
		run  func(i int) error
	}{
		{"recognise a contact", func(i int) error {
			r, err := s.Recognise(ctx, numbers[i])
			if err == nil && r.Match != MatchContact && r.Match != MatchAmbiguous {
				err = fmt.Errorf("%s recognised as %s", numbers[i], r.Match)
			}
			return err
		}},
		{"recognise an unknown number", func(i int) error {
			_, err := s.Recognise(ctx, fmt.Sprintf("+3197010%06d", i))
			return err
		}},
		{"webhook ringing", func(i int) error {
			_, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprintf("hot-%d", i), Event: EventRinging,
				From: numbers[i], To: "020 794 6000", ForwardedFrom: "06 2345 6789"})
			return err
		}},
		{"webhook answered", func(i int) error {
			_, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprintf("hot-%d", i), Event: EventAnswered,
				From: numbers[i]})
			return err
		}},
		{"caller card", func(i int) error {
			_, err := s.Card(ctx, fmt.Sprintf("hot-%d", i))
			return err
		}},
		{"live event summary", func(i int) error {
			c, err := s.CallByRef(ctx, fmt.Sprintf("hot-%d", i))
			if err == nil {
				_, err = s.Summarise(ctx, c)
			}
			return err
		}},
		{"live events since", func(i int) error {
			_, err := s.LiveEventsSince(ctx, int64(i), 10+i)
			return err
		}},
		{"token check", func(int) error {
			_, err := s.AuthenticateToken(ctx, secret)
			return err
		}},
	}
	for _, op := range ops {
		// Two warm-up runs: a statement first met inside a transaction is
		// compiled for the cache when that transaction ends.
		for i := range 2 {
			if err := op.run(i); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
		}
		before := compiles.Load()
		for i := 2; i < 4; i++ {
			if err := op.run(i); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
		}
		if got := compiles.Load() - before; got != 0 {
			t.Errorf("%s: SQLite compiled statements %d times on a warm store, want 0", op.name, got)
		}
	}
}

func TestCacheable(t *testing.T) {
	for _, tc := range []struct {
		query    string
		ok, rows bool
	}{
		{"SELECT 1", true, true},
		{"SELECT\n\tid FROM calls", true, true},
		{"  select id from calls;", true, true},
		{"WITH x AS (SELECT 1) SELECT * FROM x", true, true},
		{"INSERT INTO calls (id) VALUES (?)", true, false},
		{"INSERT INTO calls (id) VALUES (?) RETURNING id", true, true},
		{"update calls set status = ? returning id", true, true},
		{"DELETE FROM calls WHERE id = ?", true, false},
		{"PRAGMA wal_checkpoint(PASSIVE)", false, false},
		{"SAVEPOINT import_row", false, false},
		{"VACUUM INTO ?", false, false},
		{"CREATE TABLE a (x); CREATE TABLE b (y);", false, false},
		{"", false, false},
	} {
		ok, rows := cacheable(tc.query)
		if ok != tc.ok || rows != tc.rows {
			t.Errorf("cacheable(%q) = %v, %v; want %v, %v", tc.query, ok, rows, tc.ok, tc.rows)
		}
	}
}
