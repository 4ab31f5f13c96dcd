package crm_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// temporaryTablesInInserts returns the tables of the register db reads
// whose INSERT builds a temporary b-tree (SQLite's OpenEphemeral), as a
// CHECK against a list of three or more values does on every statement.
func temporaryTablesInInserts(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 10 {
		t.Fatalf("only %d tables in the register: %v", len(tables), tables)
	}
	var slow []string
	for _, table := range tables {
		ops, err := db.Query(`EXPLAIN INSERT INTO "` + table + `" DEFAULT VALUES`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for ops.Next() {
			var addr, p1, p2, p3, p5 int64
			var op string
			var p4, comment sql.NullString
			if err := ops.Scan(&addr, &op, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
				t.Fatal(err)
			}
			if op == "OpenEphemeral" {
				slow = append(slow, table)
			}
		}
		if err := ops.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return slow
}

// TestNoTemporaryTablesInWrites upgrades a register made by the migrations
// before 0008, with a connection holding the old schema open meanwhile, and
// checks that no INSERT builds a temporary b-tree any more, on that
// connection too, that every rewritten CHECK still refuses what it refused
// and takes what it took, and that the rows already there are untouched.
func TestNoTemporaryTablesInWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "callcard.db")
	old, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	old.SetMaxOpenConns(1)
	must(old.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`))
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f >= "migrations/0008" {
			break
		}
		must(old.Exec(string(must(os.ReadFile(f)))))
		must(old.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, 0)`, f))
	}
	must(old.Exec(`INSERT INTO organisations (id, name, name_key, status, created_at, updated_at) VALUES (1, 'Acme', 'acme', 'former', 0, 0)`))
	must(old.Exec(`INSERT INTO phone_numbers (e164, raw, label, organisation_id) VALUES ('+31201234567', '020 123 4567', 'switchboard', 1)`))
	if slow := temporaryTablesInInserts(t, old); len(slow) < 7 {
		t.Fatalf("before 0008, temporary b-trees in the INSERTs of %v; want the seven tables with lists", slow)
	}

	pn, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := crm.Open(context.Background(), crm.Config{Path: path, Phone: pn})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// The connection that read the schema before the migration reads it
	// again, since the migration moved the schema version on.
	if slow := temporaryTablesInInserts(t, old); len(slow) > 0 {
		t.Errorf("after 0008, temporary b-trees in the INSERTs of %v", slow)
	}
	var name, status, label string
	if err := old.QueryRow(`SELECT o.name, o.status, p.label FROM organisations o JOIN phone_numbers p ON p.organisation_id = o.id`).
		Scan(&name, &status, &label); err != nil || name != "Acme" || status != "former" || label != "switchboard" {
		t.Errorf("stored rows after 0008: %q, %q, %q, %v", name, status, label, err)
	}

	// Each statement is tried with every value its CHECK takes, then with
	// one it refuses, in a transaction rolled back afterwards.
	checks := []struct {
		column, sql string
		good        []string
		bad         string
	}{
		{"employees.role", `INSERT INTO employees (name, role, created_at, updated_at) VALUES ('Eva ' || ?1, ?1, 0, 0)`,
			[]string{"receptionist", "account_manager", "service_manager", "admin", "engineer"}, "intern"},
		{"organisations.status", `UPDATE organisations SET status = ? WHERE id = 1`,
			[]string{"active", "prospect", "former"}, "lapsed"},
		{"phone_numbers.label", `UPDATE phone_numbers SET label = ? WHERE organisation_id = 1`,
			[]string{"mobile", "direct", "switchboard", "home", "other"}, "fax"},
		{"subscriptions.status", `INSERT INTO subscriptions (organisation_id, service_id, status) VALUES (1, (SELECT id FROM services LIMIT 1), ?)
			ON CONFLICT DO UPDATE SET status = excluded.status`,
			[]string{"active", "cancelled", "ended"}, "paused"},
		{"interactions.kind", `INSERT INTO interactions (organisation_id, kind, occurred_at) VALUES (1, ?, 0)`,
			[]string{"call", "note", "callback", "visit", "email", "hint", "lead", "care"}, "fax"},
		{"interactions.outcome", `INSERT INTO interactions (organisation_id, kind, occurred_at, outcome) VALUES (1, 'lead', 0, ?)`,
			[]string{"", "won", "lost"}, "maybe"},
		{"calls.status", `INSERT INTO calls (source, external_id, status, created_at, updated_at) VALUES ('pbx', 'c-' || ?1, ?1, 0, 0)`,
			[]string{"ringing", "answered", "ended", "missed"}, "held"},
		{"users.role", `INSERT INTO users (username, name, role, password_hash, created_at) VALUES (?1, 'Eva', ?1, 'x', 0)`,
			[]string{"receptionist", "account_manager", "service_manager", "admin"}, "engineer"},
	}
	must(old.Exec(`INSERT INTO services (code, name) VALUES ('hosting', 'Hosting')`))
	for _, c := range checks {
		tx, err := old.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for _, good := range c.good {
			if _, err := tx.Exec(c.sql, good); err != nil {
				t.Errorf("%s = %q refused: %v", c.column, good, err)
			}
		}
		if _, err := tx.Exec(c.sql, c.bad); err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
			t.Errorf("%s = %q: err %v, want a failed CHECK constraint", c.column, c.bad, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
}
