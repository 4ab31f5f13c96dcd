package main

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callcard/callcard/crm"
)

// eventTrace keeps what the store reported of each benchmark call's stored
// event (crm.Config.ObserveCallEvent), so that the latency of the slowest
// events can be taken apart into the stages it was spent in. The server's
// /metrics histograms give each stage's quantiles, but not whether the
// slowest events were slow in one stage or in all of them.
type eventTrace struct {
	mu    sync.Mutex
	times map[int]crm.CallEventTimes // by call seq
}

func newEventTrace() *eventTrace { return &eventTrace{times: map[int]crm.CallEventTimes{}} }

// observe notes one stored event; events that are not benchmark calls are
// left out.
func (t *eventTrace) observe(ct crm.CallEventTimes) {
	digits, ok := strings.CutPrefix(ct.ExternalID, benchCallPrefix)
	if !ok {
		return
	}
	seq, err := strconv.Atoi(digits)
	if err != nil {
		return
	}
	t.mu.Lock()
	t.times[seq] = ct
	t.mu.Unlock()
}

// take returns what was noted and forgets it, so that it is not counted in
// the memory measured after the load.
func (t *eventTrace) take() map[int]crm.CallEventTimes {
	t.mu.Lock()
	defer t.mu.Unlock()
	times := t.times
	t.times = map[int]crm.CallEventTimes{}
	return times
}

// tracedEvent is one call followed from its webhook to its last screen,
// with times since the load's start.
type tracedEvent struct {
	sent, arrived, lastSeen time.Duration
	server                  crm.CallEventTimes
}

// benchAnatomy takes each event's webhook → SSE latency, to the last screen
// that read it, apart into the stages it was spent in.
type benchAnatomy struct {
	// Events is how many events were followed end to end, and P99Ms the
	// p99 of their latency to the last screen (per event, where the
	// headline p99 counts every delivery).
	Events int     `json:"events"`
	P99Ms  float64 `json:"p99_ms"`
	// SlowestFromMs is the latency from which an event is among the slowest
	// 1% (at least one event); Slowest holds their stage medians.
	SlowestEvents int             `json:"slowest_events"`
	SlowestFromMs float64         `json:"slowest_from_ms"`
	Slowest       anatomySegments `json:"slowest_1pct"`
	All           anatomySegments `json:"all"`
	// WithoutWriterP99Ms is the p99 the events would have had had the
	// writer's queue and commit taken no time at all: what the rest of the
	// path (HTTP in, recognition, delivery) took in this run. It is no
	// floor: that path is slowed by the writer's CPU beside it, and the
	// bare echo webhooks measure it alone.
	WithoutWriterP99Ms float64 `json:"without_writer_p99_ms"`
}

// anatomySegments are the medians, in ms, of the stages of an event.
type anatomySegments struct {
	// ToServerMs is from the webhook being sent to its event reaching the
	// store: the request's way in, authentication and decoding.
	ToServerMs  float64 `json:"to_server_ms"`
	RecogniseMs float64 `json:"recognise_ms"`
	WaitMs      float64 `json:"wait_ms"`
	CommitMs    float64 `json:"commit_ms"`
	// ToScreensMs is from the commit to the last screen reading the event:
	// publication, each screen's stream, and the bench's own readers.
	ToScreensMs float64 `json:"to_screens_ms"`
}

// anatomyOf works out the anatomy of events; it is zero without events.
func anatomyOf(events []tracedEvent) benchAnatomy {
	n := len(events)
	if n == 0 {
		return benchAnatomy{}
	}
	type split struct{ total, toServer, recognise, wait, commit, toScreens time.Duration }
	splits := make([]split, n)
	for i, e := range events {
		s := e.server
		splits[i] = split{total: e.lastSeen - e.sent, toServer: e.arrived - e.sent, recognise: s.Recognised,
			wait: s.Waited, commit: s.Committed,
			toScreens: e.lastSeen - (e.arrived + s.Recognised + s.Waited + s.Committed)}
	}
	slices.SortFunc(splits, func(a, b split) int { return int(a.total - b.total) })
	medians := func(of []split) anatomySegments {
		median := func(part func(split) time.Duration) float64 {
			v := make([]time.Duration, len(of))
			for i, s := range of {
				v[i] = part(s)
			}
			return ms(quantile(v, 0.5))
		}
		return anatomySegments{
			ToServerMs:  median(func(s split) time.Duration { return s.toServer }),
			RecogniseMs: median(func(s split) time.Duration { return s.recognise }),
			WaitMs:      median(func(s split) time.Duration { return s.wait }),
			CommitMs:    median(func(s split) time.Duration { return s.commit }),
			ToScreensMs: median(func(s split) time.Duration { return s.toScreens }),
		}
	}
	slowest := max(1, n/100)
	totals := make([]time.Duration, n)
	withoutWriter := make([]time.Duration, n)
	for i, s := range splits {
		totals[i] = s.total
		withoutWriter[i] = s.total - s.wait - s.commit
	}
	return benchAnatomy{Events: n, P99Ms: ms(quantile(totals, 0.99)),
		SlowestEvents: slowest, SlowestFromMs: ms(splits[n-slowest].total),
		Slowest: medians(splits[n-slowest:]), All: medians(splits),
		WithoutWriterP99Ms: ms(quantile(withoutWriter, 0.99))}
}

// quantile is the nearest-rank quantile q of v, which it sorts.
func quantile(v []time.Duration, q float64) time.Duration {
	slices.Sort(v)
	return v[min(len(v)-1, int(q*float64(len(v))))]
}
