package crm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/callcard/callcard/phone"
)

func openInternalStore(t *testing.T) *Store {
	t.Helper()
	return storeOpener(t)()
}

// storeOpener returns a function that opens stores on one file under
// t.TempDir(), as a server and a process beside it (or a restarted server)
// would; each is closed when the test ends.
func storeOpener(t *testing.T) func() *Store {
	t.Helper()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "callcard.db")
	return func() *Store {
		t.Helper()
		s, err := Open(context.Background(), Config{Path: path, Phone: n})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCallEventsCommitTogether sends many events at once, each delivered
// twice, and checks every one is stored once with its own live-event id.
func TestCallEventsCommitTogether(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	const senders, each = 16, 25
	var mu sync.Mutex
	ids := map[int64]string{}
	fresh, dups := 0, 0
	var wg sync.WaitGroup
	for w := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Every event goes out twice, by two senders at once.
				in := CallEventInput{ExternalID: fmt.Sprintf("c%d", (w/2)*each+i), Event: EventRinging, From: "06 12345678"}
				res, err := s.RecordCallEvent(ctx, in)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if res.Duplicate {
					dups++
				} else {
					fresh++
					if other, ok := ids[res.Live.ID]; ok {
						t.Errorf("live-event id %d given to %s and %s", res.Live.ID, other, in.ExternalID)
					}
					ids[res.Live.ID] = in.ExternalID
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if want := senders / 2 * each; fresh != want || dups != want {
		t.Errorf("%d stored and %d duplicates, want %d of each", fresh, dups, want)
	}
	if got, want := countRows(t, s, "call_events"), senders/2*each; got != want {
		t.Errorf("%d call events stored, want %d", got, want)
	}
	if got, want := countRows(t, s, "calls"), senders/2*each; got != want {
		t.Errorf("%d calls stored, want %d", got, want)
	}
}

// TestCallEventGroupKeepsGoodEvents commits a group in which one event fails
// in the database after its call was written, and checks that the others
// are in and the failed one left nothing.
func TestCallEventGroupKeepsGoodEvents(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	if _, err := s.write.ExecContext(ctx, `CREATE TRIGGER fail_bad_event BEFORE INSERT ON call_events
		WHEN (SELECT external_id FROM calls WHERE id = NEW.call_id) = 'bad' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	job := func(id string) *callEventJob {
		in := CallEventInput{Source: "generic", ExternalID: id, Event: EventRinging, OccurredAt: now,
			DedupKey: "generic\x00" + id + "\x00ringing"}
		return &callEventJob{in: in, now: now}
	}
	group := []*callEventJob{job("good-1"), job("bad"), job("good-2")}
	if _, err := s.commitCallEvents(ctx, group, false); err != nil {
		t.Fatal(err)
	}
	if group[0].err != nil || group[2].err != nil {
		t.Fatalf("good events failed: %v, %v", group[0].err, group[2].err)
	}
	if group[1].err == nil {
		t.Fatal("the event the database refused was reported stored")
	}
	if got := countRows(t, s, "calls"); got != 2 {
		t.Errorf("%d calls stored, want 2", got)
	}
	if got := countRows(t, s, "call_events"); got != 2 {
		t.Errorf("%d call events stored, want 2", got)
	}
	for _, j := range []*callEventJob{group[0], group[2]} {
		if _, err := s.CallByRef(ctx, j.in.ExternalID); err != nil {
			t.Errorf("%s: %v", j.in.ExternalID, err)
		}
	}
}

// TestCheckpointsRunInTheBackground writes events without ever reaching the
// writer's own checkpoint size and checks that the database file grows
// anyway: the pages were copied out of the WAL by the checkpointer.
func TestCheckpointsRunInTheBackground(t *testing.T) {
	ctx := context.Background()
	s := openInternalStore(t)
	var path string
	if err := s.read.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// Let the checkpointer copy out what migrations wrote, then measure.
	time.Sleep(2 * checkpointEvery)
	before := size()
	for i := range 300 {
		if _, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprintf("ck-%d", i), Event: EventRinging,
			From: "06 12345678"}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes 5 s after 300 commits: nothing was checkpointed", before)
		}
		time.Sleep(checkpointEvery / 4)
	}
}
