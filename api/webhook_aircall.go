package api

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// aircallEnvelope is the envelope Aircall posts for every event. Only the
// fields callcard uses are declared; the rest of data is ignored. id and the
// times are raw so that numbers and strings are both accepted.
type aircallEnvelope struct {
	Resource  string          `json:"resource"`
	Event     string          `json:"event"`
	Timestamp json.RawMessage `json:"timestamp"`
	Token     string          `json:"token"`
	Data      struct {
		ID         json.RawMessage `json:"id"`
		Direction  string          `json:"direction"`
		RawDigits  string          `json:"raw_digits"`
		AnsweredAt json.RawMessage `json:"answered_at"`
		Number     *struct {
			Digits string `json:"digits"`
		} `json:"number"`
		User *struct {
			Name string `json:"name"`
		} `json:"user"`
	} `json:"data"`
}

// aircallIgnored are call events that say nothing about whether the call
// rings, was answered or ended. They are acknowledged so that Aircall does
// not retry them or count them as failures.
var aircallIgnored = map[string]bool{
	"call.agent_declined":                 true,
	"call.transferred":                    true,
	"call.unsuccessful_transfer":          true,
	"call.external_transferred":           true,
	"call.unsuccessful_external_transfer": true,
	"call.assigned":                       true,
	"call.archived":                       true,
	"call.tagged":                         true,
	"call.untagged":                       true,
	"call.commented":                      true,
	"call.voicemail_left":                 true,
	"call.comm_assets_generated":          true,
	"call.ivr_option_selected":            true,
}

// aircallWebhook answers POST /api/v1/webhooks/aircall. Aircall
// authenticates with a token inside the JSON body, so the body must be
// decoded before the sender is known; beyond being well-formed JSON, nothing
// about it is judged until the token matches.
func (s *Server) aircallWebhook(c echo.Context) error {
	const source = "aircall"
	started := time.Now()
	body, err := readBody(c)
	if err != nil {
		return s.rejected(source, err)
	}
	if s.cfg.AircallToken == "" {
		return s.unauthorised(source, crm.Errorf(crm.CodeUnauthorised, "token",
			"Aircall webhooks are not configured here (set CALLCARD_AIRCALL_TOKEN)"))
	}
	if err := requireContentType(c, echo.MIMEApplicationJSON); err != nil {
		return s.rejected(source, err)
	}
	w, err := decodeAircall(body)
	if err != nil {
		return s.rejected(source, err)
	}
	if w.Token == "" {
		return s.unauthorised(source, crm.Errorf(crm.CodeUnauthorised, "token", "the webhook carries no token"))
	}
	if subtle.ConstantTimeCompare([]byte(w.Token), []byte(s.cfg.AircallToken)) != 1 {
		return s.unauthorised(source, crm.Errorf(crm.CodeUnauthorised, "token",
			"the webhook token does not match CALLCARD_AIRCALL_TOKEN"))
	}
	in, ignored, err := aircallCallEvent(w)
	if err != nil {
		return s.rejected(source, err)
	}
	if ignored != "" {
		return s.ignored(c, source, ignored)
	}
	return s.record(c, started, in)
}

// decodeAircall reads the envelope of an Aircall webhook.
func decodeAircall(body []byte) (aircallEnvelope, error) {
	var w aircallEnvelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return w, crm.Errorf(crm.CodeInvalid, te.Field, "%s must be a %s", te.Field, jsonKind(te.Type.Kind().String()))
		}
		return w, crm.Errorf(crm.CodeInvalid, "", "the body is not valid JSON: %s", err.Error())
	}
	if dec.More() {
		return w, crm.Errorf(crm.CodeInvalid, "", "the body holds more than one JSON value")
	}
	return w, nil
}

// aircallCallEvent maps an authenticated Aircall webhook onto a call event.
// A non-empty ignored says why the webhook carries nothing for the console:
// an event without call state, another resource, or an outbound call (its
// raw_digits is the customer we rang; nobody needs a card for a call they
// placed themselves).
func aircallCallEvent(w aircallEnvelope) (in crm.CallEventInput, ignored string, err error) {
	event := strings.TrimSpace(w.Event)
	resource := strings.TrimSpace(w.Resource)
	if event == "" {
		return in, "", crm.Errorf(crm.CodeInvalid, "event", "no event given")
	}
	if (resource != "" && resource != "call") || !strings.HasPrefix(event, "call.") {
		return in, "not a call event", nil
	}
	var ev crm.CallEvent
	switch {
	case event == "call.created" || event == "call.ringing_on_agent":
		ev = crm.EventRinging
	case event == "call.answered":
		ev = crm.EventAnswered
	case event == "call.hungup" || event == "call.ended":
		ev = crm.EventEnded
		if answered, err := jsonScalar("data.answered_at", w.Data.AnsweredAt); err != nil {
			return in, "", err
		} else if answered == "" || answered == "0" {
			ev = crm.EventMissed // it ended without anyone picking up
		}
	case aircallIgnored[event]:
		return in, "event carries no call state", nil
	default:
		return in, "", crm.Errorf(crm.CodeInvalid, "event", "%q is not an Aircall call event callcard knows", clip(event))
	}
	id, err := jsonScalar("data.id", w.Data.ID)
	if err != nil {
		return in, "", err
	}
	if id == "" {
		return in, "", crm.Errorf(crm.CodeInvalid, "data.id", "no data.id given")
	}
	if strings.EqualFold(strings.TrimSpace(w.Data.Direction), "outbound") {
		return in, "outbound call", nil
	}
	at, err := parseTimestamp("timestamp", w.Timestamp)
	if err != nil {
		return in, "", err
	}
	in = crm.CallEventInput{Source: "aircall", ExternalID: id, Event: ev,
		From: strings.TrimSpace(w.Data.RawDigits), OccurredAt: at}
	if w.Data.Number != nil {
		in.To = strings.TrimSpace(w.Data.Number.Digits)
	}
	// data.user is the agent being rung on ringing_on_agent, not the one who
	// answers; the register keeps the first agent it is told, so only an
	// answered call names one.
	if ev == crm.EventAnswered && w.Data.User != nil {
		in.Agent = strings.TrimSpace(w.Data.User.Name)
	}
	return in, "", nil
}
