package syncthread_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/callcard/callcard/crm/internal/syncthread"
)

func start(t *testing.T, f *os.File) *syncthread.Thread {
	t.Helper()
	th, err := syncthread.Start(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { th.Close() })
	return th
}

func TestSyncFlushesTheFileItWasGiven(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	th := start(t, f)
	if _, err := f.WriteString("committed"); err != nil {
		t.Fatal(err)
	}
	if err := th.Sync(); err != nil {
		t.Fatalf("Sync of a regular file: %v", err)
	}

	// fsync of a pipe fails with EINVAL: the error must come back, naming
	// the file, so the thread flushed this descriptor and no other.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	err = start(t, r).Sync()
	var pathErr *os.PathError
	if !errors.As(err, &pathErr) || !errors.Is(err, syscall.EINVAL) || pathErr.Op != "fsync" || pathErr.Path != r.Name() {
		t.Fatalf("Sync of a pipe = %v, want fsync %s: EINVAL", err, r.Name())
	}
}

func TestSyncFromManyGoroutines(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	th := start(t, f)
	var wg sync.WaitGroup
	errs := make(chan error, 8*20)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, err := f.Write([]byte("x")); err != nil {
					errs <- err
					return
				}
				errs <- th.Sync()
			}
		})
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 8*20 {
		t.Fatalf("%d flushes answered, want %d", n, 8*20)
	}
}

func TestCloseStopsTheThread(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	th, err := syncthread.Start(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := th.Sync(); err != nil {
		t.Fatal(err)
	}
	// Close returns only once the thread has closed its end of the
	// outcomes pipe, that is once it has stopped using the file.
	if err := th.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := th.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := th.Sync(); err == nil {
		t.Fatal("Sync after Close succeeded")
	}
}
