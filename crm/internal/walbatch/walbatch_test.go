package walbatch_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/callcard/callcard/crm/internal/walbatch"
)

// open opens path through the VFS as callcard's writer does: WAL, commits
// not synced by SQLite, and no automatic checkpoints (so that every commit
// stays in the WAL to be read back). With a page cache of a few pages a
// large transaction spills frames to the WAL before it commits.
func open(t *testing.T, path string, cachePages int) *sql.DB {
	t.Helper()
	if err := walbatch.Register(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?vfs="+walbatch.Name+
		"&_journal_mode=WAL&_synchronous=NORMAL&_cache_size="+fmt.Sprint(cachePages))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		t.Fatal(err)
	}
	return db
}

// crashCopy copies the database and its WAL as the kernel holds them now,
// without the shared-memory index: what a machine that lost power at this
// instant would recover from once the kernel had written its cache.
func crashCopy(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	for _, suffix := range []string{"", "-wal"} {
		src, err := os.Open(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(dir, "copy.db"+suffix))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if err := dst.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "copy.db")
}

// contents sums what a database holds, opened with SQLite's default VFS.
func contents(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n, sum int64
	var check string
	if err := db.QueryRow(`SELECT count(*), coalesce(sum(length(body) * id + v), 0) FROM t`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d rows, sum %d, %s", n, sum, check)
}

// Every commit is whole in the files, and visible to another connection,
// by the time COMMIT returns: small commits, commits of many frames, and
// a transaction that spills frames to the WAL before it commits and then
// changes those pages again (SQLite then overwrites its own frames and
// rewrites their headers at the commit).
func TestCommitsAreInTheFileWhenCommitReturns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db := open(t, path, 20)
	reader, err := sql.Open("sqlite3", "file:"+path+"?vfs="+walbatch.Name+"&_query_only=true")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	body := func(i int) string { return fmt.Sprintf("%0*d", 50+i%400, i) }
	steps := []struct {
		name string
		run  func(tx *sql.Tx) error
	}{
		{"one row", func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO t (body, v) VALUES (?, 1)`, body(1))
			return err
		}},
		{"a few hundred rows", func(tx *sql.Tx) error {
			for i := range 300 {
				if _, err := tx.Exec(`INSERT INTO t (body, v) VALUES (?, ?)`, body(i), i); err != nil {
					return err
				}
			}
			return nil
		}},
		{"spilled and changed again", func(tx *sql.Tx) error {
			for i := range 3000 {
				if _, err := tx.Exec(`INSERT INTO t (body, v) VALUES (?, ?)`, body(i), i); err != nil {
					return err
				}
			}
			_, err := tx.Exec(`UPDATE t SET v = v + 7 WHERE id % 3 = 0`)
			return err
		}},
		{"one row again", func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE t SET v = 42 WHERE id = 1`)
			return err
		}},
	}
	ctx := context.Background()
	for _, step := range steps {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := step.run(tx); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		// Copied before anything else touches the files: reading the
		// database through the writer would write out what it holds.
		copied := crashCopy(t, path)
		var want, seen, sum int64
		if err := db.QueryRow(`SELECT count(*), sum(length(body) * id + v) FROM t`).Scan(&want, &sum); err != nil {
			t.Fatal(err)
		}
		if err := reader.QueryRow(`SELECT count(*) FROM t`).Scan(&seen); err != nil {
			t.Fatal(err)
		}
		if seen != want {
			t.Errorf("%s: another connection sees %d rows, the writer %d", step.name, seen, want)
		}
		got := contents(t, copied)
		if exp := fmt.Sprintf("%d rows, sum %d, ok", want, sum); got != exp {
			t.Errorf("%s: recovered from the files: %s, committed: %s", step.name, got, exp)
		}
	}
}

// A commit of many frames reaches the file in a handful of writes.
func TestFramesAreWrittenTogether(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "w.db"), 2000)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := db.Exec(`CREATE INDEX t_` + fmt.Sprint(i) + ` ON t (v, body)`); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		if _, err := tx.Exec(`INSERT INTO t (body, v) VALUES (?, ?)`, fmt.Sprintf("%0400d", i), i*7919%100); err != nil {
			t.Fatal(err)
		}
	}
	asked0, made0 := walbatch.Writes()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	asked1, made1 := walbatch.Writes()
	asked, made := asked1-asked0, made1-made0
	t.Logf("the commit asked for %d writes and made %d", asked, made)
	if asked < 20 || made > 2 {
		t.Errorf("the commit asked for %d writes and made %d; want many frames written in at most 2", asked, made)
	}
}

// Readers on other connections, reading the WAL through their own file
// descriptors while the writer commits, only ever see whole commits: every
// transaction keeps a running total equal to the rows it leaves, and a
// reader checks the two against each other, and the database's integrity,
// as fast as it can. Transactions of every size commit meanwhile, some of
// them spilling frames before their commit, and checkpoints let the WAL
// start over.
func TestReadersSeeWholeCommits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db := open(t, path, 50)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL, v INTEGER NOT NULL);
		CREATE INDEX t_v ON t (v, body);
		CREATE TABLE total (n INTEGER NOT NULL); INSERT INTO total VALUES (0)`); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	errs := make(chan error, 4)
	var readers sync.WaitGroup
	var checks atomic.Int64
	for range 2 {
		readers.Go(func() {
			r, err := sql.Open("sqlite3", "file:"+path+"?_query_only=true")
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			r.SetMaxOpenConns(1)
			for {
				select {
				case <-stop:
					return
				default:
				}
				tx, err := r.Begin()
				if err != nil {
					errs <- err
					return
				}
				var rows, total int64
				var check string
				err = tx.QueryRow(`SELECT (SELECT count(*) FROM t), (SELECT n FROM total)`).Scan(&rows, &total)
				if err == nil && checks.Load()%20 == 0 {
					err = tx.QueryRow(`PRAGMA quick_check`).Scan(&check)
					if err == nil && check != "ok" {
						err = fmt.Errorf("quick_check: %s", check)
					}
				}
				tx.Rollback()
				if err == nil && rows != total {
					err = fmt.Errorf("a reader saw %d rows and a total of %d", rows, total)
				}
				if err != nil {
					errs <- err
					return
				}
				checks.Add(1)
			}
		})
	}
	n := 0
	for i := range 60 {
		rows := []int{1, 3, 40, 700}[i%4]
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		for j := range rows {
			if _, err := tx.Exec(`INSERT INTO t (body, v) VALUES (?, ?)`, fmt.Sprintf("%0*d", 100+j%300, j), (i*7919+j)%1000); err != nil {
				t.Fatal(err)
			}
		}
		n += rows
		if _, err := tx.Exec(`UPDATE t SET v = v + 1 WHERE id % 5 = ?`, i%5); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`UPDATE total SET n = ?`, n); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// Checkpoints let the WAL start over, so that later commits
		// overwrite frames readers have read before: a commit left
		// unwritten would then show them old pages, not a short file.
		if i%5 == 4 {
			if _, err := db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if checks.Load() == 0 {
		t.Error("the readers checked nothing")
	}
	t.Logf("%d reads checked while %d rows were committed", checks.Load(), n)
}
