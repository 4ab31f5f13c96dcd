package checkpointthread_test

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/callcard/callcard/crm/internal/checkpointthread"
)

// open makes a WAL database at path whose writer never checkpoints by
// itself, so that only the thread under test copies pages out of the WAL.
func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{`PRAGMA wal_autocheckpoint = 0`, `CREATE TABLE t (v TEXT)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// inDatabaseFile counts the rows a copy of the database file alone holds,
// without its WAL: the rows that were checkpointed.
func inDatabaseFile(t *testing.T, path string) int {
	t.Helper()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	db, err := sql.Open("sqlite3", "file:"+copyPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0
		}
		t.Fatal(err)
	}
	return n
}

func insert(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	for i := range n {
		if _, err := db.Exec(`INSERT INTO t (v) VALUES (?)`, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("after 5 s: %s", what)
}

func TestCheckpointsCopyTheWALIntoTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db := open(t, path)
	insert(t, db, 10)
	if n := inDatabaseFile(t, path); n != 0 {
		t.Fatalf("%d rows in the database file before any checkpoint", n)
	}
	th, err := checkpointthread.Start(path, 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer th.Close()
	waitFor(t, "the 10 rows are not in the database file", func() bool { return inDatabaseFile(t, path) == 10 })
	insert(t, db, 5)
	waitFor(t, "the next 5 rows are not in the database file", func() bool { return inDatabaseFile(t, path) == 15 })
	if runs, failed := th.Passes(); runs < 2 || failed != 0 {
		t.Fatalf("passes: %d run, %d failed", runs, failed)
	}
}

func TestPauseHoldsCheckpointsOff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db := open(t, path)
	th, err := checkpointthread.Start(path, 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer th.Close()
	insert(t, db, 1)
	waitFor(t, "the first row is not in the database file", func() bool { return inDatabaseFile(t, path) == 1 })

	// Paused twice, resumed once: still paused.
	th.Pause()
	th.Pause()
	runs, _ := th.Passes()
	insert(t, db, 3)
	th.Resume()
	time.Sleep(50 * time.Millisecond) // ten intervals
	if now, _ := th.Passes(); now != runs {
		t.Errorf("%d checkpoints ran while paused", now-runs)
	}
	if n := inDatabaseFile(t, path); n != 1 {
		t.Errorf("%d rows in the database file while paused, want 1", n)
	}
	th.Resume()
	waitFor(t, "the rows are not in the database file after resuming", func() bool { return inDatabaseFile(t, path) == 4 })
}

func TestCloseStopsTheThread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	db := open(t, path)
	th, err := checkpointthread.Start(path, 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "no checkpoint ran", func() bool { runs, _ := th.Passes(); return runs > 0 })
	if err := th.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	runs, _ := th.Passes()
	insert(t, db, 2)
	time.Sleep(30 * time.Millisecond)
	if now, _ := th.Passes(); now != runs {
		t.Errorf("%d checkpoints after Close", now-runs)
	}
	if n := inDatabaseFile(t, path); n != 0 {
		t.Errorf("%d rows checkpointed after Close", n)
	}
	if err := th.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	th.Pause() // harmless once stopped
	th.Resume()
}

func TestStartRefusesWhatItCannotOpen(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no such directory", "db")
	if _, err := checkpointthread.Start(missing, time.Second); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Start on %s: %v, want an error naming the path", missing, err)
	}
	if _, err := checkpointthread.Start(filepath.Join(t.TempDir(), "db"), 0); err == nil {
		t.Fatal("Start with no interval succeeded")
	}
}
