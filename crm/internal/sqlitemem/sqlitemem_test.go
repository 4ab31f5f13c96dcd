package sqlitemem

import (
	"database/sql"
	"path/filepath"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// TestDisable runs first in its own test process, before anything else has
// initialised SQLite, as the store's Open does.
func TestDisable(t *testing.T) {
	if !Disable() {
		t.Fatal("Disable on a process that has not used SQLite: the setting was refused")
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "mem.db")+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		if _, err := db.Exec(`INSERT INTO t VALUES (hex(randomblob(100)))`); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1000 {
		t.Fatalf("table holds %d rows (%v), want 1000", n, err)
	}
	if used := memoryUsed(); used != 0 {
		t.Errorf("SQLite counts %d bytes in use: its memory statistics are still on", used)
	}
	if Disable() {
		t.Error("Disable after SQLite initialised: SQLite accepted the setting, want it refused")
	}
}
