package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// TestEventsOvertaken: webhooks publish after their commit, so a later event
// can reach the hub before an earlier one. The stream must still deliver
// both, in id order, instead of skipping the one that came late.
func TestEventsOvertaken(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream := ts.openStream(t, ctx, "")
	if ts.hub.Count() != 1 { // the stream subscribes before it answers
		t.Fatalf("%d subscribers, want 1", ts.hub.Count())
	}
	var evs []crm.LiveEvent
	for i := range 4 {
		res, err := ts.store.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: fmt.Sprint("o", i), Event: crm.EventRinging, From: "0612345678"})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, res.Live)
	}
	// 0 arrives first; then 3 overtakes 1 and 2, which come after it.
	for _, i := range []int{0, 3, 1, 2} {
		ts.hub.Publish(evs[i])
	}
	for i := range evs {
		got := nextCall(t, stream)
		if got.ID != fmt.Sprint(evs[i].ID) {
			t.Fatalf("event %d: got id %s, want %d", i, got.ID, evs[i].ID)
		}
	}
}

// TestEventsBurst: a stream writes the events waiting for it together and
// flushes once, at most maxUnflushed at a time; a burst of more than that
// must still arrive whole, in order, each frame with its own event.
func TestEventsBurst(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream := ts.openStream(t, ctx, "")
	const n = 150 // more than two batches, fewer than a screen's buffer
	var evs []crm.LiveEvent
	for i := range n {
		res, err := ts.store.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: fmt.Sprint("b", i), Event: crm.EventRinging, From: "0612345678"})
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, res.Live)
	}
	for _, ev := range evs {
		ts.hub.Publish(ev)
	}
	for i, want := range evs {
		got := nextCall(t, stream)
		var body crm.LiveEvent
		if err := json.Unmarshal([]byte(got.Data), &body); err != nil {
			t.Fatalf("event %d: %v in %q", i, err, got.Data)
		}
		if got.ID != fmt.Sprint(want.ID) || body.ID != want.ID || body.ExternalID != want.ExternalID {
			t.Fatalf("event %d: got id %s (data id %d, call %q), want %d (call %q)", i, got.ID, body.ID, body.ExternalID, want.ID, want.ExternalID)
		}
	}
}

// TestEventsEndWhenTokenRevoked: an open stream stops carrying callers'
// names soon after its token is revoked, not only when it reconnects.
func TestEventsEndWhenTokenRevoked(t *testing.T) {
	ts := newTestServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream := ts.openStream(t, ctx, "")
	if err := ts.store.RevokeToken(ctx, "test pbx"); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-stream:
			if !ok {
				return // closed by the server
			}
		case <-timeout:
			t.Fatal("the stream is still open 10 s after its token was revoked")
		}
	}
}
