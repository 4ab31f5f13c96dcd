package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/crm"
)

// twilioWebhook answers POST /api/v1/webhooks/twilio: Twilio's call status
// callbacks, form-encoded and signed with the account's auth token.
func (s *Server) twilioWebhook(c echo.Context) error {
	const source = "twilio"
	started := time.Now()
	body, err := readBody(c)
	if err != nil {
		return s.rejected(source, err)
	}
	if s.cfg.TwilioAuthToken == "" {
		return s.unauthorised(source, crm.Errorf(crm.CodeUnauthorised, "X-Twilio-Signature",
			"Twilio webhooks are not configured here (set CALLCARD_TWILIO_AUTH_TOKEN)"))
	}
	if err := requireContentType(c, echo.MIMEApplicationForm); err != nil {
		return s.rejected(source, err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return s.rejected(source, crm.Errorf(crm.CodeInvalid, "", "the body is not valid form encoding"))
	}
	sig := c.Request().Header.Get("X-Twilio-Signature")
	if sig == "" {
		return s.unauthorised(source, crm.Errorf(crm.CodeUnauthorised, "X-Twilio-Signature",
			"the X-Twilio-Signature header is missing"))
	}
	if !VerifyTwilioSignature(s.cfg.TwilioAuthToken, s.twilioURL(c.Request()), form, sig) {
		return s.unauthorised(source, crm.Errorf(crm.CodeUnauthorised, "X-Twilio-Signature",
			"the X-Twilio-Signature does not match; check CALLCARD_TWILIO_AUTH_TOKEN and that CALLCARD_PUBLIC_URL is the address Twilio calls"))
	}
	in, ignored, err := parseTwilioForm(form)
	if err != nil {
		return s.rejected(source, err)
	}
	if ignored != "" {
		return s.ignored(c, source, ignored)
	}
	return s.record(c, started, in)
}

// twilioURL is the URL Twilio signed: our public address (Twilio cannot see
// past a proxy) followed by the path and query exactly as requested.
func (s *Server) twilioURL(r *http.Request) string {
	uri := r.RequestURI
	if !strings.HasPrefix(uri, "/") {
		uri = r.URL.RequestURI() // absolute-form or unset (tests calling handlers directly)
	}
	return strings.TrimRight(s.cfg.PublicURL, "/") + uri
}

// twilioWithheld are the caller ids Twilio puts in From when a caller hides
// their number: the words spelled on a keypad as numbers. Mapped to
// "anonymous" so the call shows as withheld instead of failing to parse.
var twilioWithheld = map[string]bool{
	"+266696687":   true, // ANONYMOUS
	"+7378742833":  true, // RESTRICTED
	"+2562533":     true, // BLOCKED
	"+8656696":     true, // UNKNOWN
	"+86282452253": true, // UNAVAILABLE
}

// parseTwilioForm turns a status callback into a call event. A non-empty
// ignored says why the callback carries nothing for the console: a call we
// placed through the REST API (outbound-api) has our own number as From.
// Child legs of <Dial> (outbound-dial) are kept: their From is the caller.
func parseTwilioForm(form url.Values) (in crm.CallEventInput, ignored string, err error) {
	sid := strings.TrimSpace(form.Get("CallSid"))
	if sid == "" {
		return in, "", crm.Errorf(crm.CodeInvalid, "CallSid", "no CallSid given")
	}
	status := strings.TrimSpace(form.Get("CallStatus"))
	var ev crm.CallEvent
	switch status {
	case "queued", "initiated", "ringing":
		ev = crm.EventRinging
	case "in-progress":
		ev = crm.EventAnswered
	case "completed":
		ev = crm.EventEnded
	case "no-answer", "busy", "failed", "canceled":
		ev = crm.EventMissed
	case "":
		return in, "", crm.Errorf(crm.CodeInvalid, "CallStatus", "no CallStatus given")
	default:
		return in, "", crm.Errorf(crm.CodeInvalid, "CallStatus", "%q is not a Twilio call status", clip(status))
	}
	if strings.EqualFold(strings.TrimSpace(form.Get("Direction")), "outbound-api") {
		return in, "outbound call placed through the API", nil
	}
	from := strings.TrimSpace(form.Get("From"))
	if strings.HasPrefix(from, "client:") {
		// A Twilio Client (browser or app) user: one of ours, not a caller.
		return in, "call from a Twilio Client user", nil
	}
	if twilioWithheld[from] {
		from = "anonymous"
	}
	to := strings.TrimSpace(form.Get("To"))
	if strings.HasPrefix(to, "client:") {
		to = "" // an app user's identity is no number to recognise
	}
	var at time.Time
	if ts := strings.TrimSpace(form.Get("Timestamp")); ts != "" {
		if at, err = parseTwilioTime(ts); err != nil {
			return in, "", err
		}
	}
	return crm.CallEventInput{Source: "twilio", ExternalID: sid, Event: ev, From: from, To: to,
		ForwardedFrom: strings.TrimSpace(form.Get("ForwardedFrom")), OccurredAt: at}, "", nil
}

// parseTwilioTime reads Twilio's Timestamp ("Mon, 16 Aug 2010 03:45:01 +0000").
func parseTwilioTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, crm.Errorf(crm.CodeInvalid, "Timestamp", "%q is not a time in Twilio's format (RFC 1123)", clip(s))
}

// ignored answers 200 to a webhook that carries no call state, so the sender
// does not retry it, and counts it.
func (s *Server) ignored(c echo.Context, source, reason string) error {
	s.cfg.Metrics.Webhooks.WithLabelValues(source, "ignored").Inc()
	return c.JSON(http.StatusOK, IgnoredResponse{Status: "ignored", Reason: reason})
}

// IgnoredResponse answers a webhook that was valid but carried nothing to
// record, such as an Aircall tag or an outbound call.
type IgnoredResponse struct {
	Status string `json:"status"` // always "ignored"
	Reason string `json:"reason"`
}

// clip shortens outside text quoted back in an error message, so that a
// hostile body cannot make the answer (or a log line) as large as itself.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
