package main

import (
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// TestAnatomyOf takes apart 200 events, two slow in the writer and two
// slow elsewhere: the slowest 1% are the writer's two, their medians come
// from them alone, and without the writer's time the p99 falls to what the
// others cost.
func TestAnatomyOf(t *testing.T) {
	const n = 200
	event := func(i int, toServer, recognise, wait, commit, toScreens time.Duration) tracedEvent {
		sent := time.Duration(i) * time.Millisecond
		ct := crm.CallEventTimes{Recognised: recognise, Waited: wait, Committed: commit}
		return tracedEvent{sent: sent, arrived: sent + toServer, server: ct,
			lastSeen: sent + toServer + recognise + wait + commit + toScreens}
	}
	us, ms := time.Microsecond, time.Millisecond
	var events []tracedEvent
	for i := range n - 4 {
		events = append(events, event(i, 200*us, 100*us, 0, 200*us, 300*us)) // 0.8 ms
	}
	events = append(events,
		event(n-4, 200*us, 100*us, 6*ms, 2*ms, 300*us),    // 8.6 ms, in the writer
		event(n-3, 200*us, 100*us, 6100*us, 2*ms, 300*us), // 8.7 ms, in the writer
		event(n-2, 3*ms, 100*us, 0, 200*us, 5*ms),         // 8.3 ms, elsewhere
		event(n-1, 3*ms, 100*us, 0, 200*us, 5100*us))      // 8.4 ms, elsewhere
	a := anatomyOf(events)
	want := benchAnatomy{Events: n, P99Ms: 8.6, SlowestEvents: 2, SlowestFromMs: 8.6,
		// The median of two is the larger: nearest rank.
		Slowest:            anatomySegments{ToServerMs: 0.2, RecogniseMs: 0.1, WaitMs: 6.1, CommitMs: 2, ToScreensMs: 0.3},
		All:                anatomySegments{ToServerMs: 0.2, RecogniseMs: 0.1, WaitMs: 0, CommitMs: 0.2, ToScreensMs: 0.3},
		WithoutWriterP99Ms: 8.1, // the faster of the two slow elsewhere
	}
	if a != want {
		t.Errorf("anatomy\n%+v, want\n%+v", a, want)
	}
	if z := anatomyOf(nil); z != (benchAnatomy{}) {
		t.Errorf("no events: %+v", z)
	}
}
