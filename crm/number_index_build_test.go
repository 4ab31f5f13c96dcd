package crm

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestNumberIndexBuildKeepsTheWriter checks that building the number index
// at the end of a first import, which sorts through a temporary file, puts
// the writer's temporary storage back in memory for its savepoints.
func TestNumberIndexBuildKeepsTheWriter(t *testing.T) {
	s := openInternalStore(t)
	ctx := context.Background()
	if _, err := SeedSynthetic(ctx, s, NewSynthetic(300, 5), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	wantIndexBuilt(t, s)
}

// TestNumberIndexBuildWithoutTempDir checks that a first import builds the
// number index where SQLite can make no temporary file (a read-only file
// system): it sorts in memory then.
func TestNumberIndexBuildWithoutTempDir(t *testing.T) {
	if os.Getenv("CALLCARD_TEST_NO_TEMP_DIR") == "" {
		// SQLite reads its temporary directory once per process, so the
		// test runs again in a process of its own. /proc passes
		// SQLite's check (a directory it may write to) for root, and
		// takes no file.
		if syscall.Access("/proc", 3) != nil {
			t.Skip("needs to run as root: /proc stands in for a directory that takes no file")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestNumberIndexBuildWithoutTempDir$", "-test.v")
		cmd.Env = append(os.Environ(), "CALLCARD_TEST_NO_TEMP_DIR=1", "SQLITE_TMPDIR=/proc")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestNumberIndexBuildWithoutTempDir") {
			t.Fatalf("in a process whose temporary directory takes no file: %v\n%s", err, out)
		}
		return
	}

	if f, err := os.CreateTemp("/proc", "probe"); err == nil {
		f.Close()
		os.Remove(f.Name())
		t.Fatal("/proc took a file: the test would prove nothing")
	}
	s := openInternalStore(t)
	ctx := context.Background()
	// Enough numbers that SQLite sorts them in runs, merged from
	// temporary files: it keeps up to 1 MB in one run, or the page cache's
	// size if that is larger (16 MB: the writer's page cache is cut
	// below), and 40,000 contacts hold about 2.4 MB of keys.
	if _, err := s.write.ExecContext(ctx, `PRAGMA cache_size = -1000`); err != nil {
		t.Fatal(err)
	}
	if _, err := SeedSynthetic(ctx, s, NewSynthetic(40000, 6), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	wantIndexBuilt(t, s)
	// The same sort through a file fails here, so the import's succeeded
	// in memory.
	if _, err := s.write.ExecContext(ctx, `PRAGMA temp_store = FILE`); err != nil {
		t.Fatal(err)
	}
	_, err := s.write.ExecContext(ctx, `CREATE INDEX probe ON phone_numbers (e164, raw)`)
	s.write.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
	if err == nil {
		t.Fatal("a sort through a temporary file worked: the test proves nothing")
	}
	t.Logf("a sort through a file fails as expected: %v", err)
}

// wantIndexBuilt checks that the register has its number index and the
// writer's temporary storage is in memory again.
func wantIndexBuilt(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	var index, store int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'index' AND name = 'phone_numbers_e164'`).Scan(&index); err != nil {
		t.Fatal(err)
	}
	if err := s.write.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&store); err != nil {
		t.Fatal(err)
	}
	if index != 1 || store != 2 {
		t.Errorf("after the first import: %d number index, writer's temp_store %d; want 1 and 2 (memory)", index, store)
	}
}
