package crm_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/callcard/callcard/crm"
)

// numberIndexSQL is how migration 0001 defines the number index, as SQLite
// keeps it in the schema.
const numberIndexSQL = `CREATE INDEX phone_numbers_e164 ON phone_numbers (e164)`

// numberIndex returns the number index's definition in the register file
// db reads (privacyRawDB), "" when it has none.
func numberIndex(t testing.TB, db *sql.DB) string {
	t.Helper()
	var def string
	err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'phone_numbers_e164'`).Scan(&def)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return def
}

// TestNumberIndexOnFirstLoad checks that the first contacts import builds
// the number index at its end, that callers are recognised meanwhile, and
// that a later import keeps the index throughout.
func TestNumberIndexOnFirstLoad(t *testing.T) {
	s, path, _, file := syntheticFile(t, 2000, 11)
	raw := privacyRawDB(t, path)
	ctx := context.Background()
	if def := numberIndex(t, raw); def != numberIndexSQL {
		t.Fatalf("number index before the import = %q, want %q", def, numberIndexSQL)
	}

	var withIndex, without, recognised int
	progress := func(p crm.ImportProgress) {
		if numberIndex(t, raw) != "" {
			withIndex++
			return
		}
		without++
		if p.Imported == 0 {
			return
		}
		// A committed number is found without the index, only slower.
		var number string
		if err := raw.QueryRow(`SELECT e164 FROM phone_numbers WHERE contact_id IS NOT NULL
			GROUP BY e164 HAVING count(*) = 1 ORDER BY max(id) DESC LIMIT 1`).Scan(&number); err != nil {
			t.Fatal(err)
		}
		rec, err := s.Recognise(ctx, number)
		if err != nil || rec.Match != crm.MatchContact {
			t.Errorf("during the first import, %s recognised as %q, %v; want a contact", number, rec.Match, err)
		}
		recognised++
	}
	rep, err := s.ImportContacts(ctx, bytes.NewReader(file.Bytes()), crm.ImportOptions{BatchRows: 500, Progress: progress})
	if err != nil || rep.Failed > 0 {
		t.Fatalf("first import: %v %v", err, rep.Errors)
	}
	if without == 0 || withIndex != 0 || recognised == 0 {
		t.Errorf("first import: %d progress reports without the index (%d recognitions), %d with; want it built at the end only",
			without, recognised, withIndex)
	}
	if def := numberIndex(t, raw); def != numberIndexSQL {
		t.Errorf("number index after the first import = %q, want %q", def, numberIndexSQL)
	}

	withIndex, without = 0, 0
	rep, err = s.ImportContacts(ctx, bytes.NewReader(file.Bytes()), crm.ImportOptions{BatchRows: 500, Progress: progress})
	if err != nil || rep.Failed > 0 {
		t.Fatalf("second import: %v %v", err, rep.Errors)
	}
	if without != 0 || withIndex == 0 {
		t.Errorf("second import: %d progress reports without the index, %d with; want it kept", without, withIndex)
	}
}

// TestNumberIndexAfterAStoppedLoad checks that a first import that is
// cancelled, or a process that dies during one, leaves the register with
// its number index.
func TestNumberIndexAfterAStoppedLoad(t *testing.T) {
	s, path, _, file := syntheticFile(t, 1000, 12)
	raw := privacyRawDB(t, path)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &cancelAfter{r: bytes.NewReader(file.Bytes()), n: int64(file.Len()) / 2, cancel: cancel}
	rep, err := s.ImportContacts(ctx, in, crm.ImportOptions{BatchRows: 200})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("import = %+v, %v; want context.Canceled", rep, err)
	}
	if def := numberIndex(t, raw); def != numberIndexSQL {
		t.Errorf("number index after a cancelled first import = %q, want %q", def, numberIndexSQL)
	}

	// A process killed during the import never ran its end: the next
	// Open builds the index.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := must(sql.Open("sqlite3", "file:"+path))
	if _, err := db.Exec(`DROP INDEX phone_numbers_e164`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if def := numberIndex(t, raw); def != "" {
		t.Fatalf("index still there after dropping it: %q", def)
	}
	s2, err := crm.Open(context.Background(), crm.Config{Path: path, Phone: s.Phone()})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if def := numberIndex(t, raw); def != numberIndexSQL {
		t.Errorf("number index after reopening = %q, want %q", def, numberIndexSQL)
	}
}
