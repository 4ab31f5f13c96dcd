package main

import (
	"context"
	"time"
)

// jitterSleep is the sleep whose overrun measureTimerJitter records: about
// the time a webhook's path takes, so that a stall the size of the target
// shows.
const jitterSleep = time.Millisecond

// measureTimerJitter sleeps jitterSleep again and again for d, while
// nothing else runs, and summarises by how much each sleep overran. It is
// the machine's own floor under every latency in the run: a virtual CPU
// that the host does not run, or a timer fired late, delays a sleeping
// goroutine exactly as it delays a screen waiting for its event.
func measureTimerJitter(ctx context.Context, d time.Duration) latencySummary {
	var h latencyHist
	end := time.Now().Add(d)
	for ctx.Err() == nil && time.Now().Before(end) {
		t0 := time.Now()
		time.Sleep(jitterSleep)
		h.record(time.Since(t0) - jitterSleep)
	}
	return h.summary()
}
