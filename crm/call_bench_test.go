package crm_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// BenchmarkRecordCallEvent measures what one ringing call costs the single
// writer: the duplicate check, the call, the event and the history entry of
// a recognised caller, committed alone. The commit is not flushed to disk
// (sync normal), so the figure is the writer's own work, which at 1,000
// calls a second decides how long events queue for it
// (docs/performance.md):
//
//	go test ./crm -run '^$' -bench 'RecordCallEvent$' -benchtime 20000x
//	CALLCARD_BENCH_CONTACTS=100000 go test ./crm -run '^$' -bench 'RecordCallEvent$' -benchtime 20000x
func BenchmarkRecordCallEvent(b *testing.B) {
	ctx := context.Background()
	s, callers := callerRegister(b)
	// Check the callers once, outside the timing: unrecognised callers get
	// no history entry and would measure less.
	res, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "check", Event: crm.EventRinging, From: callers[0]})
	if err != nil || res.Call.ContactID == 0 {
		b.Fatalf("caller %q: contact %d, %v", callers[0], res.Call.ContactID, err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "b" + strconv.Itoa(i), Event: crm.EventRinging,
			From: callers[i%len(callers)], To: "020 555 0100"}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRecordCallEventConcurrent is BenchmarkRecordCallEvent with
// callers ringing at once, as under load: events then share commits, each
// in a savepoint of its own (callEventCommitter).
//
//	CALLCARD_BENCH_CONTACTS=100000 go test ./crm -run '^$' -bench 'RecordCallEventConcurrent' -benchtime 20000x
func BenchmarkRecordCallEventConcurrent(b *testing.B) {
	ctx := context.Background()
	s, callers := callerRegister(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			if _, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "b" + strconv.FormatInt(i, 10), Event: crm.EventRinging,
				From: callers[int(i)%len(callers)], To: "020 555 0100"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// callerRegister opens a store on a synthetic register of benchContacts
// contacts, committing without flushing, and returns numbers of its
// contacts to ring from.
func callerRegister(b *testing.B) (*crm.Store, []string) {
	b.Helper()
	s := openStoreWith(b, phone.Config{DefaultRegion: "NL"}, func(c *crm.Config) {
		c.Synchronous = "NORMAL"
		c.Now = time.Now
	})
	g := crm.NewSynthetic(benchContacts(b), 42)
	if _, err := crm.SeedSynthetic(context.Background(), s, g, crm.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	return s, g.Samples(crm.MatchContact, 4096)
}
