package crm

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/callcard/callcard/crm/internal/syncthread"
)

// flushSpacing is the least time between the starts of two flushes while
// commits contend for them. Each flush costs about 0.1 ms of CPU in the
// kernel on the development VM, and at 1,000 webhooks a second, with a
// flush started as soon as the last one ended, nearly every commit had one
// of its own (about 900 flushes a second). With the next flush starting no
// sooner than 2 ms after the last one, each covers the commits of those
// 2 ms: 4,063–4,366 flushes in 10 s of webhooks against 7,544–9,510. A
// scratch build that spaced every flush used 0.73–0.92 cores for the
// webhooks against 0.98–1.20; this one's saving is within the VM's noise
// (docs/performance.md). The price is up to 2 ms more before a webhook's
// 2xx under such load (response p50 about 3.2 ms against 1.3–2.9 ms);
// screens are not kept waiting, as they get each event when it is
// committed.
//
// Flushes are spaced only after a commit had to wait for a flush already
// under way: a lone writer, which waits for each flush before it commits
// again, would gain nothing from waiting and would be held to one commit
// per 2 ms (the store's tests took twice as long).
const flushSpacing = 2 * time.Millisecond

// walFlusher makes commits durable by flushing the write-ahead log to disk
// after SQLite has written them, instead of inside SQLite's COMMIT.
//
// With synchronous=FULL, SQLite flushes the WAL inside every COMMIT, holding
// the one writer for the length of the flush (about a millisecond on the
// development VM, several under load) and publishing nothing until it is
// done. The writer connection runs with synchronous=NORMAL instead, which in
// WAL mode still never corrupts the database, and every commit is followed
// by a flush of the WAL file before anyone is told it is stored. That is the
// same guarantee, with two gains:
//   - the writer moves on to the next commit while the last one is being
//     flushed, and one flush covers every commit written before it started;
//   - a committed call event can go out to the screens while its flush is
//     under way; the webhook's 2xx still waits for the flush.
//
// A failed flush is final: after it, what the kernel had not written may be
// gone even if a later flush succeeds, so nothing more is acknowledged until
// the server is restarted (and SQLite recovers what reached the disk).
type walFlusher struct {
	// sync flushes the WAL file; nil when commits are not to be flushed
	// (synchronous=normal). Tests replace it.
	sync func() error
	// spacing is the least time between the starts of two flushes while
	// commits contend for them (flushSpacing); now and sleep are the clock
	// it is kept by.
	spacing time.Duration
	now     func() time.Time
	sleep   func(time.Duration)

	mu       sync.Mutex
	changed  sync.Cond
	written  uint64 // commits written to the WAL so far
	flushed  uint64 // every commit up to this one is on disk
	done     uint64 // flushes completed
	flushing bool
	started  time.Time // when the last flush started
	// contended is set when a commit finds a flush under way, and
	// cleared when the next flush decides whether to wait.
	contended bool
	err       error // the first failed flush, for good
}

func newWALFlusher(sync func() error) *walFlusher {
	f := &walFlusher{sync: sync, spacing: flushSpacing, now: time.Now, sleep: time.Sleep}
	f.changed.L = &f.mu
	return f
}

// wrote counts a commit SQLite has just written (its COMMIT returned) and
// returns its number for flush.
func (f *walFlusher) wrote() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.written++
	return f.written
}

// flush returns once commit n is on disk, flushing if no flush that covers
// it is already under way. Once a commit has had to wait for a flush under
// way, the next flush starts no sooner than spacing after the last one
// started, and covers the commits written while it waited.
func (f *walFlusher) flush(n uint64) error {
	if f.sync == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.flushed < n && f.err == nil {
		if f.flushing {
			f.contended = true
			f.changed.Wait()
			continue
		}
		f.flushing = true
		if f.contended {
			f.contended = false
			if wait := f.spacing - f.now().Sub(f.started); wait > 0 {
				f.mu.Unlock()
				f.sleep(wait)
				f.mu.Lock()
			}
		}
		f.started = f.now()
		// Everything written so far is in the kernel's cache of the file,
		// so this flush covers it all.
		upTo := f.written
		f.mu.Unlock()
		err := f.sync()
		f.mu.Lock()
		f.flushing = false
		if err != nil {
			f.err = fmt.Errorf("flushing the write-ahead log to disk: %w", err)
		} else {
			f.flushed = max(f.flushed, upTo)
			f.done++
		}
		f.changed.Broadcast()
	}
	return f.err
}

// completed is how many flushes have completed.
func (f *walFlusher) completed() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.done
}

// failed is the error of a failed flush, nil while none has failed.
func (f *walFlusher) failed() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// walFile flushes the database's WAL file. It opens the file afresh when
// the one it holds is no longer the file at that path: SQLite deletes the
// WAL when the last connection to the database closes, and the store's own
// connections stay open, but a flush of a deleted file would be no flush.
//
// The flush runs on a thread of its own (syncthread), so that the webhook
// waiting for it leaves its processor to the others: flushes held one of
// the two for 37% of the time at 1,000 calls/s.
type walFile struct {
	path   string
	mu     sync.Mutex
	f      *os.File
	thread *syncthread.Thread // flushes f
}

func (w *walFile) sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		held, err1 := w.f.Stat()
		now, err2 := os.Stat(w.path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			w.closeLocked()
		}
	}
	if w.f == nil {
		f, err := os.OpenFile(w.path, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			return nil // no WAL: every commit is in the database file
		}
		if err != nil {
			return err
		}
		thread, err := syncthread.Start(f)
		if err != nil {
			f.Close()
			return err
		}
		w.f, w.thread = f, thread
	}
	return w.thread.Sync()
}

func (w *walFile) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closeLocked()
}

// closeLocked stops the flush thread, then closes the file it flushes.
func (w *walFile) closeLocked() error {
	if w.f == nil {
		return nil
	}
	err := errors.Join(w.thread.Close(), w.f.Close())
	w.f, w.thread = nil, nil
	return err
}
