package api

import (
	"sync"

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
	C chan crm.LiveEvent // closed when dropped or when the hub closes
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
	s := &Subscription{C: make(chan crm.LiveEvent, SubscriberBuffer)}
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
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.C <- ev:
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
