package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// genericCall is the body of POST /api/v1/webhooks/call. call_id and
// timestamp are raw so that both strings and numbers are accepted, as
// telephone systems send either.
type genericCall struct {
	CallID        json.RawMessage `json:"call_id"`
	Event         string          `json:"event"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	ForwardedFrom string          `json:"forwarded_from"`
	Agent         string          `json:"agent"`
	Timestamp     json.RawMessage `json:"timestamp"`
}

func (s *Server) genericWebhook(c echo.Context) error {
	const source = "generic"
	started := time.Now()
	body, err := readBody(c)
	if err != nil {
		return s.rejected(source, err)
	}
	if err := s.authenticateGeneric(c, body); err != nil {
		return s.unauthorised(source, err)
	}
	if err := requireContentType(c, echo.MIMEApplicationJSON); err != nil {
		return s.rejected(source, err)
	}
	in, err := parseGenericCall(body)
	if err != nil {
		return s.rejected(source, err)
	}
	return s.record(c, started, in)
}

// authenticateGeneric accepts a bearer token, or a Standard Webhooks
// signature when a webhook secret is configured.
func (s *Server) authenticateGeneric(c echo.Context, body []byte) error {
	h := c.Request().Header
	if tok := bearer(c); tok != "" {
		_, err := s.cfg.Register.AuthenticateToken(c.Request().Context(), tok)
		return err
	}
	if h.Get("webhook-signature") != "" {
		if s.cfg.WebhookSecret == "" {
			return crm.Errorf(crm.CodeUnauthorised, "webhook-signature", "signed webhooks are not configured here (no CALLCARD_WEBHOOK_SECRET)")
		}
		return VerifyStandardWebhook(s.cfg.WebhookSecret, h.Get("webhook-id"), h.Get("webhook-timestamp"),
			h.Get("webhook-signature"), body, s.now())
	}
	return crm.Errorf(crm.CodeUnauthorised, "authorization", "send an API token as 'Authorization: Bearer <token>' or sign the webhook")
}

// parseGenericCall decodes and checks a generic call event.
func parseGenericCall(body []byte) (crm.CallEventInput, error) {
	var g genericCall
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&g); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return crm.CallEventInput{}, crm.Errorf(crm.CodeInvalid, te.Field, "%s must be a %s", te.Field, jsonKind(te.Type.Kind().String()))
		}
		return crm.CallEventInput{}, crm.Errorf(crm.CodeInvalid, "", "the body is not valid JSON: %s", err.Error())
	}
	if dec.More() {
		return crm.CallEventInput{}, crm.Errorf(crm.CodeInvalid, "", "the body holds more than one JSON value")
	}
	id, err := jsonScalar("call_id", g.CallID)
	if err != nil {
		return crm.CallEventInput{}, err
	}
	if id == "" {
		return crm.CallEventInput{}, crm.Errorf(crm.CodeInvalid, "call_id", "no call_id given")
	}
	ev, err := crm.ParseCallEvent("event", g.Event)
	if err != nil {
		return crm.CallEventInput{}, err
	}
	at, err := parseTimestamp("timestamp", g.Timestamp)
	if err != nil {
		return crm.CallEventInput{}, err
	}
	return crm.CallEventInput{Source: "generic", ExternalID: id, Event: ev, From: g.From, To: g.To,
		ForwardedFrom: g.ForwardedFrom, Agent: g.Agent, OccurredAt: at}, nil
}

func jsonKind(k string) string {
	if k == "string" {
		return "string"
	}
	return "JSON " + k
}

// jsonScalar reads a string or number as text.
func jsonScalar(field string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", crm.Errorf(crm.CodeInvalid, field, "%s must be a string or a number", field)
}

// parseTimestamp accepts RFC 3339 text or Unix seconds (or milliseconds,
// told apart by size); absent means now.
func parseTimestamp(field string, raw json.RawMessage) (time.Time, error) {
	s, err := jsonScalar(field, raw)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e14 {
		return time.Time{}, crm.Errorf(crm.CodeInvalid, field, "%q is not a time (RFC 3339 or Unix seconds)", s)
	}
	if f > 1e11 { // milliseconds
		return time.UnixMilli(int64(f)).UTC(), nil
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
}
