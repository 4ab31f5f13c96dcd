package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// WebhookResponse answers an accepted webhook.
type WebhookResponse struct {
	Status      string    `json:"status"` // "stored" or "duplicate"
	CallID      int64     `json:"call_id"`
	EventID     int64     `json:"event_id,omitempty"`
	CallStatus  string    `json:"call_status"`
	Match       crm.Match `json:"match,omitempty"`
	DisplayName string    `json:"display_name,omitempty"`
}

// record commits one event and only then publishes it and answers 2xx: an
// acknowledged event is always on disk.
func (s *Server) record(c echo.Context, started time.Time, in crm.CallEventInput) error {
	// Screens get the event once it is committed; the 2xx waits until it
	// is on disk too.
	res, err := s.cfg.Register.RecordAndPublishCallEvent(c.Request().Context(), in, s.cfg.Hub.Publish)
	if err != nil {
		outcome := "rejected"
		if crm.ErrorCode(err) == crm.CodeInternal {
			outcome = "error"
		}
		s.cfg.Metrics.Webhooks.WithLabelValues(in.Source, outcome).Inc()
		return err
	}
	out := WebhookResponse{Status: "stored", CallID: res.Call.ID, CallStatus: string(res.Call.Status), Match: res.Call.Match}
	if res.Duplicate {
		out.Status = "duplicate"
	} else {
		out.EventID, out.DisplayName = res.Live.ID, res.Live.DisplayName
		if in.Event == crm.EventRinging && res.Call.Match != "" {
			s.cfg.Metrics.Recognitions.WithLabelValues(string(res.Call.Match)).Inc()
		}
	}
	s.cfg.Metrics.Webhooks.WithLabelValues(in.Source, out.Status).Inc()
	s.cfg.Metrics.WebhookSeconds.WithLabelValues(in.Source).Observe(time.Since(started).Seconds())
	return c.JSON(http.StatusOK, out)
}

// unauthorised counts and returns an authentication failure.
func (s *Server) unauthorised(source string, err error) error {
	s.cfg.Metrics.Webhooks.WithLabelValues(source, "unauthorised").Inc()
	return err
}

// rejected counts and returns a bad request that never reached the register.
func (s *Server) rejected(source string, err error) error {
	s.cfg.Metrics.Webhooks.WithLabelValues(source, "rejected").Inc()
	return err
}
