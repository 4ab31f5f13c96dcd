package api

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/callcard/callcard/crm"
)

// SubscriberBuffer is how many events a screen may fall behind before it is
// dropped. A dropped screen reconnects with Last-Event-ID and catches up from
// the database, so dropping loses nothing and never slows a webhook.
const SubscriberBuffer = 256

// Hub fans committed call events out to live subscribers.
type Hub struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed bool
	// onCount reports the number of subscribers after each change (metrics).
	onCount func(n int)
}

// Subscription is one listening screen.
type Subscription struct {
	C chan *LiveFrame // closed when dropped or when the hub closes
}

// LiveFrame is one published event on its way to every screen. Its
// Server-Sent Events frame is encoded once, by the first screen that sends
// it, rather than once per screen, and not by Publish, which runs while the
// committing webhook holds the writer.
type LiveFrame struct {
	Event crm.LiveEvent
	// Published is when Publish handed the event to the screens.
	Published time.Time
	once      sync.Once
	frame     []byte
	err       error
}

// Frame returns the event as one "event: call" frame.
func (f *LiveFrame) Frame() ([]byte, error) {
	f.once.Do(func() { f.frame, f.err = encodeFrame(f.Event) })
	return f.frame, f.err
}

// encodeFrame writes ev as one "event: call" frame.
func encodeFrame(ev crm.LiveEvent) ([]byte, error) {
	data, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(data)+48)
	b = append(b, "id: "...)
	b = strconv.AppendInt(b, ev.ID, 10)
	b = append(b, "\nevent: call\ndata: "...)
	b = append(b, data...)
	return append(b, "\n\n"...), nil
}

// NewHub makes a hub; onCount may be nil.
func NewHub(onCount func(n int)) *Hub {
	if onCount == nil {
		onCount = func(int) {}
	}
	return &Hub{subs: map[*Subscription]struct{}{}, onCount: onCount}
}

// Subscribe adds a listener. It returns nil once the hub is closed.
func (h *Hub) Subscribe() *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	s := &Subscription{C: make(chan *LiveFrame, SubscriberBuffer)}
	h.subs[s] = struct{}{}
	h.onCount(len(h.subs))
	return s
}

// Unsubscribe removes a listener; safe to call twice.
func (h *Hub) Unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.C)
		h.onCount(len(h.subs))
	}
}

// Publish hands ev to every subscriber without ever blocking: one whose
// buffer is full is dropped.
func (h *Hub) Publish(ev crm.LiveEvent) {
	f := &LiveFrame{Event: ev, Published: time.Now()}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.C <- f:
		default:
			close(s.C)
			delete(h.subs, s)
		}
	}
	h.onCount(len(h.subs))
}

// Count is the number of live subscribers.
func (h *Hub) Count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close ends every subscription; used at shutdown so event streams finish.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		close(s.C)
		delete(h.subs, s)
	}
	h.onCount(0)
}
