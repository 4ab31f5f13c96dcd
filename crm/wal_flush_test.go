package crm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callcard/callcard/phone"
)

// TestAcknowledgedMeansFlushed checks the flusher's promise from outside:
// when RecordCallEvent (or any other write) returns, a flush of the WAL
// has completed that started after the write was committed. Each flush
// notes the newest committed call event and organisation before it runs;
// every write that returns must be at or below what a completed flush saw.
func TestAcknowledgedMeansFlushed(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	var mu sync.Mutex
	var flushedEvent, flushedOrg int64
	flushes := 0
	realSync := s.flusher.sync
	s.flusher.sync = func() error {
		var event, org int64
		if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM call_events`).Scan(&event); err != nil {
			return err
		}
		if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM organisations`).Scan(&org); err != nil {
			return err
		}
		if err := realSync(); err != nil {
			return err
		}
		mu.Lock()
		flushedEvent, flushedOrg = max(flushedEvent, event), max(flushedOrg, org)
		flushes++
		mu.Unlock()
		return nil
	}
	check := func(what string, id int64, flushed *int64) error {
		mu.Lock()
		defer mu.Unlock()
		if id > *flushed {
			return fmt.Errorf("%s %d acknowledged, but the flushes only covered up to %d", what, id, *flushed)
		}
		return nil
	}

	const senders, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, senders*each+senders)
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				res, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprintf("c%d-%d", g, i),
					Event: EventRinging, From: "06 12345678"})
				if err == nil {
					err = check("call event", res.Live.ID, &flushedEvent)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			org, err := s.CreateOrganisation(ctx, OrganisationInput{Name: fmt.Sprint("Org ", g)})
			if err == nil {
				err = check("organisation", org.ID, &flushedOrg)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if flushes == 0 || flushes > senders*each+senders {
		t.Errorf("%d flushes for %d commits", flushes, senders*each+senders)
	}
}

// TestFlushesSpaced checks that a lone writer's flushes start at once,
// and that once a commit has waited for a flush under way, the next flush
// starts no sooner than the spacing after the last one and also covers the
// commits written while it waits.
func TestFlushesSpaced(t *testing.T) {
	var mu sync.Mutex // guards syncs, clock and slept
	syncs := 0
	inSync, release := make(chan struct{}), make(chan struct{})
	var hold bool // the next sync reports itself and waits for release
	f := newWALFlusher(func() error {
		mu.Lock()
		syncs++
		held := hold
		hold = false
		mu.Unlock()
		if held {
			inSync <- struct{}{}
			<-release
		}
		return nil
	})
	clock := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	var slept []time.Duration
	var duringSleep func()
	f.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	f.sleep = func(d time.Duration) {
		mu.Lock()
		slept = append(slept, d)
		clock = clock.Add(d)
		during := duringSleep
		mu.Unlock()
		if during != nil {
			during()
		}
	}
	advance := func(d time.Duration) {
		mu.Lock()
		clock = clock.Add(d)
		mu.Unlock()
	}
	check := func(what string, wantSyncs int, wantSlept ...time.Duration) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if syncs != wantSyncs || fmt.Sprint(slept) != fmt.Sprint(wantSlept) {
			t.Fatalf("%s: %d syncs, slept %v; want %d, slept %v", what, syncs, slept, wantSyncs, wantSlept)
		}
	}
	// A lone writer, one commit after the other.
	if err := f.flush(f.wrote()); err != nil {
		t.Fatal(err)
	}
	advance(f.spacing / 4)
	if err := f.flush(f.wrote()); err != nil {
		t.Fatal(err)
	}
	check("a lone writer", 2)

	// A commit that finds a flush under way.
	advance(f.spacing / 4)
	mu.Lock()
	hold = true
	mu.Unlock()
	first := make(chan error, 1)
	go func() { first <- f.flush(f.wrote()) }()
	<-inSync
	second := make(chan error, 1)
	go func() { second <- f.flush(f.wrote()) }()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		f.mu.Lock()
		waited := f.contended
		f.mu.Unlock()
		if waited {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("a commit that found a flush under way was not noted as waiting for it")
		}
	}
	var landed uint64
	mu.Lock()
	duringSleep = func() { landed = f.wrote() }
	mu.Unlock()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	check("a commit that waited for a flush under way", 4, f.spacing)
	mu.Lock()
	duringSleep = nil
	mu.Unlock()
	if err := f.flush(landed); err != nil {
		t.Fatal(err)
	}
	check("the commit written during the wait", 4, f.spacing)

	// The contention has passed: the next flush starts at once.
	if err := f.flush(f.wrote()); err != nil {
		t.Fatal(err)
	}
	check("a commit after the contention", 5, f.spacing)
}

// TestCallEventsPublishedBeforeFlush checks that screens get an event as
// soon as it is committed, while the webhook's answer waits for the flush.
func TestCallEventsPublishedBeforeFlush(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	flushing, release := make(chan struct{}, 1), make(chan struct{})
	realSync := s.flusher.sync
	s.flusher.sync = func() error {
		select {
		case flushing <- struct{}{}:
		default:
		}
		<-release
		return realSync()
	}
	published := make(chan LiveEvent, 1)
	returned := make(chan error, 1)
	go func() {
		_, err := s.RecordAndPublishCallEvent(ctx, CallEventInput{ExternalID: "c1", Event: EventRinging, From: "06 12345678"},
			func(ev LiveEvent) { published <- ev })
		returned <- err
	}()
	select {
	case ev := <-published:
		if ev.ExternalID != "c1" {
			t.Errorf("published %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the event was not published while its flush was under way")
	}
	select {
	case <-flushing:
	case <-time.After(5 * time.Second):
		t.Fatal("the event was never flushed")
	}
	select {
	case err := <-returned:
		t.Fatalf("RecordAndPublishCallEvent returned (%v) before its flush finished", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-returned; err != nil {
		t.Fatal(err)
	}
}

// TestFailedFlushIsFinal checks that after a flush fails nothing more is
// acknowledged: not the event, not its redelivery, not other writes, and
// the health check says so.
func TestFailedFlushIsFinal(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	s.flusher.sync = func() error { return errors.New("injected I/O error") }
	in := CallEventInput{ExternalID: "c1", Event: EventRinging, From: "06 12345678"}
	if _, err := s.RecordCallEvent(ctx, in); ErrorCode(err) != CodeInternal {
		t.Fatalf("event with a failed flush: %v, want an internal error", err)
	}
	if _, err := s.RecordCallEvent(ctx, in); ErrorCode(err) != CodeInternal {
		t.Fatalf("redelivery after a failed flush: %v, want an internal error", err)
	}
	if _, err := s.CreateOrganisation(ctx, OrganisationInput{Name: "Acme BV"}); ErrorCode(err) != CodeInternal {
		t.Fatalf("another write after a failed flush: %v, want an internal error", err)
	}
	s.flusher.sync = func() error { return nil } // the disk "recovers": too late
	if _, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: "c2", Event: EventRinging}); ErrorCode(err) != CodeInternal {
		t.Fatalf("event after the disk recovered: %v, want an internal error until a restart", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Fatal("the health check passed after a failed flush")
	}
}

// TestLiveIDsSkipAheadAfterRestart checks that live-event ids jump ahead
// when a store starts recording, so an id published but lost to a power
// cut is never given to a new event that a resuming screen would skip.
func TestLiveIDsSkipAheadAfterRestart(t *testing.T) {
	ctx := context.Background()
	open := storeOpener(t)
	record := func(id string) int64 {
		t.Helper()
		s := open()
		defer s.Close() // the restart: closed before the next one opens
		res, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: id, Event: EventRinging})
		if err != nil {
			t.Fatal(err)
		}
		// A second event from the same store follows on without a gap.
		next, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: id, Event: EventAnswered})
		if err != nil {
			t.Fatal(err)
		}
		if next.Live.ID != res.Live.ID+1 {
			t.Errorf("ids %d then %d from one store", res.Live.ID, next.Live.ID)
		}
		return next.Live.ID
	}
	first := record("c1")
	second := record("c2")
	if second < first+liveIDSkip {
		t.Fatalf("after a restart the next id is %d; want at least %d + %d", second, first, liveIDSkip)
	}
}

// TestAcknowledgedSurvivesACrash copies the database and its write-ahead
// log as the kernel holds them once writes are acknowledged, without the
// shared-memory index, as a machine that lost power would leave them, and
// opens the copy: every acknowledged call event and organisation is there.
// Several rounds of concurrent events make group commits of many pages,
// which the writer hands to the kernel in one write (walbatch).
func TestAcknowledgedSurvivesACrash(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	path := strings.TrimSuffix(s.wal.path, "-wal")
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	var events, orgs int
	for round := range 3 {
		const senders, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, senders*(each+1))
		for g := range senders {
			wg.Go(func() {
				for i := range each {
					if _, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprintf("r%d-c%d-%d", round, g, i),
						Event: EventRinging, From: fmt.Sprintf("06 1234 %04d", g*100+i)}); err != nil {
						errs <- err
					}
				}
				if _, err := s.CreateOrganisation(ctx, OrganisationInput{Name: fmt.Sprintf("Org %d-%d", round, g)}); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		events += senders * each
		orgs += senders

		dir := t.TempDir()
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(path + suffix)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "copy.db"+suffix), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		c, err := Open(ctx, Config{Path: filepath.Join(dir, "copy.db"), Phone: n})
		if err != nil {
			t.Fatal(err)
		}
		gotEvents, gotOrgs := countRows(t, c, "call_events"), countRows(t, c, "organisations")
		c.Close()
		if gotEvents != events || gotOrgs != orgs {
			t.Errorf("round %d: the copy has %d call events and %d organisations; %d and %d were acknowledged",
				round, gotEvents, gotOrgs, events, orgs)
		}
	}
}

// TestWALFileFollowsTheFile flushes a WAL file that is missing, then
// present, then deleted and made again, as SQLite does when the last
// connection closes and a new one opens: each flush is of the file at the
// path at that moment, on a flush thread of its own.
func TestWALFileFollowsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db-wal")
	w := &walFile{path: path}
	defer w.close()
	if err := w.sync(); err != nil {
		t.Fatalf("flush with no WAL file: %v", err)
	}
	if err := os.WriteFile(path, []byte("frames"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil {
		t.Fatalf("flush of the WAL file: %v", err)
	}
	first, firstThread := w.f, w.thread
	if first == nil || firstThread == nil {
		t.Fatal("the WAL file is not held after a flush")
	}
	if err := w.sync(); err != nil {
		t.Fatal(err)
	}
	if w.f != first || w.thread != firstThread {
		t.Fatal("the same WAL file was opened again")
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("new frames"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.sync(); err != nil {
		t.Fatalf("flush of the new WAL file: %v", err)
	}
	if w.f == first || w.thread == firstThread {
		t.Fatal("the flush went to the deleted WAL file")
	}
	if err := firstThread.Sync(); err == nil {
		t.Error("the deleted file's flush thread still runs")
	}
	if err := w.close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := w.close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}
