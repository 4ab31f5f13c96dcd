package crm_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

func backupCountCalls(t testing.TB, path string) int {
	t.Helper()
	var n int
	if err := privacyRawDB(t, path).QueryRow(`SELECT count(*) FROM calls`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func backupIntegrity(t testing.TB, path string) string {
	t.Helper()
	var res string
	if err := privacyRawDB(t, path).QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestBackup copies the register while webhooks are written to it, opens the
// copy as a register, and restores it as docs/operations.md says.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	s, path := openPrivacyStore(t, nil)
	seedRegister(t, s)

	// Writers keep recording calls for the whole backup.
	stop := make(chan struct{})
	var written atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: fmt.Sprintf("w%d-%d", w, i),
					Event: crm.EventRinging, From: "06 12345678"})
				if err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	for written.Load() < 200 {
		time.Sleep(5 * time.Millisecond)
	}
	before := written.Load()
	backup := filepath.Join(t.TempDir(), "backup.db")
	err := s.Backup(ctx, backup)
	after := written.Load()
	for written.Load() < after+100 {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ConsistentCopy", func(t *testing.T) {
		if res := backupIntegrity(t, backup); res != "ok" {
			t.Fatalf("integrity_check of the copy: %s", res)
		}
		n := int64(backupCountCalls(t, backup))
		if n < before || n > after {
			t.Fatalf("copy holds %d calls; %d were written before the backup began and %d when it ended", n, before, after)
		}
		// Every call in the copy has its event: no transaction is half in it.
		var orphans int
		privacyRawDB(t, backup).QueryRow(`SELECT count(*) FROM calls c WHERE NOT EXISTS
			(SELECT 1 FROM call_events e WHERE e.call_id = c.id)`).Scan(&orphans)
		if orphans != 0 {
			t.Fatalf("%d calls in the copy without their event", orphans)
		}
		if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup file mode: %v %v", fi.Mode(), err)
		}
		leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(backup), ".*partial*"))
		if len(leftovers) > 0 {
			t.Fatalf("temporary files left: %v", leftovers)
		}
	})
	t.Run("OpensAsRegister", func(t *testing.T) {
		n, _ := phone.New(phone.Config{DefaultRegion: "NL"})
		b, err := crm.Open(ctx, crm.Config{Path: backup, Phone: n})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		if r := must(b.Recognise(ctx, "06 12345678")); r.Match != crm.MatchContact {
			t.Fatalf("the copy recognises 06 12345678 as %s", r.Match)
		}
	})
	t.Run("ErrNeverOverwrites", func(t *testing.T) {
		if err := s.Backup(ctx, backup); crm.ErrorCode(err) != crm.CodeConflict {
			t.Fatalf("second backup to the same file: %v, want conflict", err)
		}
		if err := s.Backup(ctx, path); crm.ErrorCode(err) != crm.CodeConflict {
			t.Fatalf("backup onto the database itself: %v, want conflict", err)
		}
		if err := s.Backup(ctx, filepath.Join(t.TempDir(), "no", "such", "dir.db")); crm.ErrorCode(err) != crm.CodeInvalid {
			t.Fatalf("backup into a missing directory: %v, want invalid", err)
		}
	})
	t.Run("Restore", func(t *testing.T) {
		// The procedure of docs/operations.md: stop the server, copy the
		// backup over the database, remove -wal and -shm, start.
		want := backupCountCalls(t, backup)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := backupCopyFile(backup, path); err != nil {
			t.Fatal(err)
		}
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		n, _ := phone.New(phone.Config{DefaultRegion: "NL"})
		r, err := crm.Open(ctx, crm.Config{Path: path, Phone: n})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if got := len(must(r.Calls(ctx, time.Time{}, 1000))); got != min(want, 1000) {
			t.Fatalf("restored register lists %d calls, want %d", got, want)
		}
		if got := backupCountCalls(t, path); got != want {
			t.Fatalf("restored register holds %d calls, want %d", got, want)
		}
		if res := backupIntegrity(t, path); res != "ok" {
			t.Fatalf("integrity_check after restore: %s", res)
		}
		// And it takes new calls.
		if _, err := r.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "after-restore", Event: crm.EventRinging, From: "06 12345678"}); err != nil {
			t.Fatal(err)
		}
	})
}

func backupCopyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
