package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The bare minimum callcard is measured beside: a bare echo with no
// middleware, no authentication and no database. Its look-up answers a
// fixed name; its webhook decodes the call and hands it straight to every
// open event stream. What callcard takes beyond it is callcard's own work:
// recognition, the commit and its flush, the checks and the middleware.

// bareEventBuffer is how many events a bare screen may fall behind; one
// that falls further loses events, which the bench counts.
const bareEventBuffer = 256

// bareFanout hands each webhook's call to every open bare event stream,
// numbered in the order they arrive.
type bareFanout struct {
	mu     sync.Mutex
	nextID int64
	subs   map[chan []byte]struct{}
	// closed ends every stream when the server shuts down.
	closed chan struct{}
}

// publish sends one frame naming externalID to every stream, never
// blocking: a stream whose buffer is full misses it.
func (f *bareFanout) publish(externalID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	data, _ := json.Marshal(struct {
		ID         int64  `json:"id"`
		ExternalID string `json:"external_id"`
	}{f.nextID, externalID})
	frame := fmt.Appendf(nil, "id: %d\nevent: call\ndata: %s\n\n", f.nextID, data)
	for c := range f.subs {
		select {
		case c <- frame:
		default:
		}
	}
}

func (f *bareFanout) subscribe() chan []byte {
	c := make(chan []byte, bareEventBuffer)
	f.mu.Lock()
	f.subs[c] = struct{}{}
	f.mu.Unlock()
	return c
}

func (f *bareFanout) unsubscribe(c chan []byte) {
	f.mu.Lock()
	delete(f.subs, c)
	f.mu.Unlock()
}

// webhook decodes a ringing call as callcard's generic webhook does and
// publishes it before answering.
func (f *bareFanout) webhook(c echo.Context) error {
	var in struct {
		CallID string `json:"call_id"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil || in.CallID == "" {
		return c.String(http.StatusBadRequest, "call_id is missing")
	}
	f.publish(in.CallID)
	return c.JSONBlob(http.StatusOK, []byte(`{"stored":false}`))
}

// events streams published calls as Server-Sent Events, writing what is
// waiting together and flushing once, as callcard's stream does.
func (f *bareFanout) events(c echo.Context) error {
	sub := f.subscribe()
	defer f.unsubscribe(sub)
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	w.Flush()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-f.closed:
			return nil
		case frame := <-sub:
			for more := true; more; {
				if _, err := w.Write(frame); err != nil {
					return nil
				}
				select {
				case frame = <-sub:
				default:
					more = false
				}
			}
			w.Flush()
		}
	}
}

// startBareServer serves the bare minimum on a loopback port: a fixed
// look-up answer at /bare, and webhooks fanned out to event streams at
// callcard's own paths, so that the same load runs against both.
func startBareServer() (*benchServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fan := &bareFanout{subs: map[chan []byte]struct{}{}, closed: make(chan struct{})}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/bare", func(c echo.Context) error { return c.String(http.StatusOK, "Martijn de Vries (Acme BV)") })
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.POST("/api/v1/webhooks/call", fan.webhook)
	e.GET("/api/v1/events", fan.events)
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	srv.RegisterOnShutdown(func() { close(fan.closed) })
	go srv.Serve(ln)
	return &benchServer{base: "http://" + ln.Addr().String(), srv: srv}, nil
}
