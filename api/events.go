package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// events streams committed call events as Server-Sent Events. A screen that
// reconnects with Last-Event-ID first gets what it missed from the database,
// then live events, with none lost or repeated in between.
func (s *Server) events(c echo.Context) error {
	ctx := c.Request().Context()
	last, err := lastEventID(c)
	if err != nil {
		return err
	}
	// Subscribe before reading the backlog so that nothing committed in
	// between can fall through the gap; duplicates are skipped by id below.
	sub := s.cfg.Hub.Subscribe()
	if sub == nil {
		return c.NoContent(http.StatusServiceUnavailable)
	}
	defer s.cfg.Hub.Unsubscribe(sub)
	if last < 0 {
		// Live events only: start from the newest committed id, so that
		// ordering and gaps are judged from the first event on.
		if last, err = s.cfg.Register.LastLiveEventID(ctx); err != nil {
			return err
		}
	}

	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	// Event streams outlive the server's write timeout by design.
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	w.Flush()

	if last >= 0 {
		for {
			backlog, err := s.cfg.Register.LiveEventsSince(ctx, last, 500)
			if err != nil {
				s.log.Error("reading missed events", "err", err)
				return nil
			}
			for _, ev := range backlog {
				if err := writeEvent(w, ev); err != nil {
					return nil
				}
				last = ev.ID
			}
			w.Flush()
			if len(backlog) < 500 {
				break
			}
		}
	}

	heartbeat := time.NewTicker(s.cfg.Heartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case f, ok := <-sub.C:
			if !ok {
				// Dropped for falling behind, or shutting down: the screen
				// reconnects and resumes from its last id.
				return nil
			}
			// Send what else is already waiting with this event and flush
			// once: under load, events come in groups (one commit), and a
			// flush is a system call per screen.
			var published [maxUnflushed]time.Time
			n := 0
			for sent := 1; ; sent++ {
				wrote, ok := s.sendLive(ctx, w, &last, f)
				if !ok {
					return nil
				}
				if wrote && !f.Published.IsZero() {
					published[n] = f.Published
					n++
				}
				if sent == maxUnflushed {
					break
				}
				select {
				case f = <-sub.C:
				default:
					f = nil
				}
				if f == nil {
					// Nothing waiting, or the channel was closed, which the
					// next receive sees.
					break
				}
			}
			w.Flush()
			flushed := time.Now()
			for _, at := range published[:n] {
				s.cfg.Metrics.LiveDeliverySeconds.Observe(flushed.Sub(at).Seconds())
			}
		case <-heartbeat.C:
			// A token revoked, or a user signed out or disabled, since the
			// stream opened loses it here rather than when it next
			// reconnects: streams stay open all day.
			if _, err := s.authenticate(c); err != nil {
				return nil
			}
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}

// maxUnflushed is the most waiting events a stream writes before it
// flushes, so that a screen that fell behind still sees progress.
const maxUnflushed = 64

// sendLive writes a published event unless the screen has it already,
// first the stored events it overtook. wrote says whether it wrote this
// event; ok false means the stream is broken.
func (s *Server) sendLive(ctx context.Context, w *echo.Response, last *int64, f *LiveFrame) (wrote, ok bool) {
	id := f.Event.ID
	if id <= *last {
		return false, true
	}
	if *last >= 0 && id > *last+1 {
		// Requests publish after their commit and can overtake each
		// other, so an event may come before an earlier one; skipping
		// that one later would lose it. One writer commits events in id
		// order, so all up to this id are stored: send them in order.
		if !s.catchUp(ctx, w, last, id) {
			return false, false
		}
		if id <= *last {
			return false, true
		}
	}
	frame, err := f.Frame()
	if err != nil {
		s.log.Error("encoding a live event", "err", err)
		return false, false
	}
	if _, err := w.Write(frame); err != nil {
		return false, false
	}
	*last = id
	return true, true
}

// catchUp writes the stored events after *last up to and including upTo,
// advancing *last; false means the stream is broken.
func (s *Server) catchUp(ctx context.Context, w *echo.Response, last *int64, upTo int64) bool {
	for *last < upTo {
		missed, err := s.cfg.Register.LiveEventsSince(ctx, *last, 500)
		if err != nil {
			s.log.Error("reading overtaken events", "err", err)
			return false
		}
		for _, ev := range missed {
			if ev.ID > upTo {
				return true
			}
			if err := writeEvent(w, ev); err != nil {
				return false
			}
			*last = ev.ID
		}
		if len(missed) < 500 {
			return true
		}
	}
	return true
}

// lastEventID reads where to resume: the Last-Event-ID header browsers send
// on reconnect, or ?last_event_id= for a first connection that wants the
// backlog. -1 means live events only.
func lastEventID(c echo.Context) (int64, error) {
	v := c.Request().Header.Get("Last-Event-ID")
	if v == "" {
		v = c.QueryParam("last_event_id")
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return -1, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, crm.Errorf(crm.CodeInvalid, "Last-Event-ID", "%q is not an event id", v)
	}
	return id, nil
}

// writeEvent writes one stored event as an "event: call" frame.
func writeEvent(w *echo.Response, ev crm.LiveEvent) error {
	frame, err := encodeFrame(ev)
	if err != nil {
		return err
	}
	_, err = w.Write(frame)
	return err
}
