package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
)

// twilioForm is a status callback as Twilio sends it for an inbound call.
func twilioForm(sid, status string) url.Values {
	return url.Values{
		"AccountSid":     {"AC00000000000000000000000000000000"},
		"ApiVersion":     {"2010-04-01"},
		"CallSid":        {sid},
		"CallStatus":     {status},
		"Direction":      {"inbound"},
		"From":           {srcCaller},
		"To":             {"+31207946000"},
		"ForwardedFrom":  {"+31655501234"},
		"Timestamp":      {"Mon, 01 Dec 2025 09:15:00 +0000"},
		"CallbackSource": {"call-progress-events"},
		"SequenceNumber": {"0"},
	}
}

func TestTwilioWebhook(t *testing.T) {
	ts := newSrcServer(t, nil)
	ctx := context.Background()

	t.Run("RingingStoredAndRecognised", func(t *testing.T) {
		got := srcAccepted(t, ts.twilio(t, twilioForm("CA-ring", "ringing")))
		if got.Status != "stored" || got.CallStatus != "ringing" || got.Match != crm.MatchContact || got.DisplayName != srcCallerName {
			t.Fatalf("answer = %+v", got)
		}
		call, err := ts.store.CallByRef(ctx, "CA-ring")
		if err != nil {
			t.Fatal(err)
		}
		if call.Source != "twilio" || call.Status != crm.CallRinging || call.From.E164 != srcCaller ||
			call.To.E164 != "+31207946000" || call.ForwardedFrom.E164 != "+31655501234" ||
			call.RingingAt.Format("2006-01-02 15:04") != "2025-12-01 09:15" {
			t.Fatalf("stored call = %+v", call)
		}
	})
	t.Run("StatusMapping", func(t *testing.T) {
		for status, want := range map[string]crm.CallStatus{
			"queued": crm.CallRinging, "initiated": crm.CallRinging, "ringing": crm.CallRinging,
			"in-progress": crm.CallAnswered, "completed": crm.CallEnded,
			"no-answer": crm.CallMissed, "busy": crm.CallMissed, "failed": crm.CallMissed, "canceled": crm.CallMissed,
		} {
			got := srcAccepted(t, ts.twilio(t, twilioForm("CA-map-"+status, status)))
			if got.CallStatus != string(want) {
				t.Errorf("%s: call status %q, want %q", status, got.CallStatus, want)
			}
		}
	})
	t.Run("WholeCall", func(t *testing.T) {
		for _, status := range []string{"ringing", "in-progress", "completed"} {
			srcAccepted(t, ts.twilio(t, twilioForm("CA-whole", status)))
		}
		call, err := ts.store.CallByRef(ctx, "CA-whole")
		if err != nil || call.Status != crm.CallEnded || call.AnsweredAt.IsZero() || call.Missed {
			t.Fatalf("call = %+v, %v", call, err)
		}
	})
	t.Run("DuplicateAnsweredAndStoredOnce", func(t *testing.T) {
		before := len(ts.calls(t))
		first := srcAccepted(t, ts.twilio(t, twilioForm("CA-dup", "ringing")))
		second := srcAccepted(t, ts.twilio(t, twilioForm("CA-dup", "ringing")))
		if first.Status != "stored" || second.Status != "duplicate" || first.CallID != second.CallID {
			t.Fatalf("answers %+v then %+v", first, second)
		}
		if n := len(ts.calls(t)); n != before+1 {
			t.Fatalf("%d calls stored, want %d", n, before+1)
		}
	})
	t.Run("QueryStringIsSigned", func(t *testing.T) {
		const path = "/api/v1/webhooks/twilio?tenant=acme&b=1"
		form := twilioForm("CA-query", "ringing")
		sig := api.TwilioSignature(srcTwilioToken, srcPublicURL+path, form)
		srcAccepted(t, ts.post(t, path, "application/x-www-form-urlencoded", []byte(form.Encode()),
			map[string]string{"X-Twilio-Signature": sig}))
	})
	t.Run("WithheldCaller", func(t *testing.T) {
		form := twilioForm("CA-anon", "ringing")
		form.Set("From", "+266696687") // "ANONYMOUS" on a keypad
		if got := srcAccepted(t, ts.twilio(t, form)); got.Match != crm.MatchWithheld {
			t.Fatalf("answer = %+v", got)
		}
	})
	t.Run("OutboundAPICallIgnored", func(t *testing.T) {
		form := twilioForm("CA-out", "ringing")
		form.Set("Direction", "outbound-api")
		srcIgnored(t, ts.twilio(t, form))
		if _, err := ts.store.CallByRef(ctx, "CA-out"); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Fatalf("ignored call was stored: %v", err)
		}
		if n := ts.webhooks(t, "twilio", "ignored"); n != 1 {
			t.Fatalf("ignored counter = %v", n)
		}
	})
	t.Run("DialLegKept", func(t *testing.T) {
		form := twilioForm("CA-leg", "in-progress")
		form.Set("Direction", "outbound-dial")
		form.Set("ParentCallSid", "CA-parent")
		if got := srcAccepted(t, ts.twilio(t, form)); got.CallStatus != "answered" {
			t.Fatalf("answer = %+v", got)
		}
	})

	refused := []struct {
		name        string
		contentType string
		body        string
		sig         func(body string) string
		status      int
		field       string
	}{
		{"ErrMissingSignature", "application/x-www-form-urlencoded", twilioForm("CA-e1", "ringing").Encode(),
			func(string) string { return "" }, http.StatusUnauthorized, "X-Twilio-Signature"},
		{"ErrWrongToken", "application/x-www-form-urlencoded", twilioForm("CA-e2", "ringing").Encode(),
			func(string) string {
				return api.TwilioSignature("another-token", srcPublicURL+"/api/v1/webhooks/twilio", twilioForm("CA-e2", "ringing"))
			}, http.StatusUnauthorized, "X-Twilio-Signature"},
		{"ErrSignedForAnotherURL", "application/x-www-form-urlencoded", twilioForm("CA-e3", "ringing").Encode(),
			func(string) string {
				return api.TwilioSignature(srcTwilioToken, "https://elsewhere.example.com/api/v1/webhooks/twilio", twilioForm("CA-e3", "ringing"))
			}, http.StatusUnauthorized, "X-Twilio-Signature"},
		{"ErrTamperedBody", "application/x-www-form-urlencoded",
			strings.Replace(twilioForm("CA-e4", "ringing").Encode(), "ringing", "completed", 1),
			func(string) string {
				return api.TwilioSignature(srcTwilioToken, srcPublicURL+"/api/v1/webhooks/twilio", twilioForm("CA-e4", "ringing"))
			}, http.StatusUnauthorized, "X-Twilio-Signature"},
		{"ErrJSON", "application/json", `{"CallSid":"CA-e5","CallStatus":"ringing"}`,
			signTwilioBody, http.StatusUnsupportedMediaType, "content-type"},
		{"ErrMalformedForm", "application/x-www-form-urlencoded", "CallSid=CA-e6&CallStatus=%zz",
			signTwilioBody, http.StatusBadRequest, ""},
		{"ErrUnknownStatus", "application/x-www-form-urlencoded", withParam("CA-e7", "CallStatus", "exploded"),
			signTwilioBody, http.StatusBadRequest, "CallStatus"},
		{"ErrMissingStatus", "application/x-www-form-urlencoded", withParam("CA-e8", "CallStatus", ""),
			signTwilioBody, http.StatusBadRequest, "CallStatus"},
		{"ErrMissingCallSid", "application/x-www-form-urlencoded", withParam("", "To", "+31207946000"),
			signTwilioBody, http.StatusBadRequest, "CallSid"},
		{"ErrBadTimestamp", "application/x-www-form-urlencoded", withParam("CA-e9", "Timestamp", "yesterday"),
			signTwilioBody, http.StatusBadRequest, "Timestamp"},
		{"ErrTooLarge", "application/x-www-form-urlencoded",
			twilioForm("CA-e10", "ringing").Encode() + "&Pad=" + strings.Repeat("x", api.MaxBody),
			signTwilioBody, http.StatusRequestEntityTooLarge, ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := len(ts.calls(t))
			headers := map[string]string{}
			if sig := tt.sig(tt.body); sig != "" {
				headers["X-Twilio-Signature"] = sig
			}
			srcRefused(t, ts.post(t, "/api/v1/webhooks/twilio", tt.contentType, []byte(tt.body), headers), tt.status, tt.field)
			if n := len(ts.calls(t)); n != before {
				t.Fatalf("a refused webhook stored a call (%d -> %d)", before, n)
			}
		})
	}
	if n := ts.webhooks(t, "twilio", "unauthorised"); n != 4 {
		t.Errorf("unauthorised counter = %v, want 4", n)
	}

	t.Run("ErrNotConfigured", func(t *testing.T) {
		off := newSrcServer(t, func(c *api.Config) { c.TwilioAuthToken = "" })
		msg := srcRefused(t, off.twilio(t, twilioForm("CA-off", "ringing")), http.StatusUnauthorized, "X-Twilio-Signature")
		if !strings.Contains(msg, "CALLCARD_TWILIO_AUTH_TOKEN") {
			t.Fatalf("message %q does not say how to switch Twilio on", msg)
		}
		if len(off.calls(t)) != 0 {
			t.Fatal("stored a call")
		}
	})
}

// signTwilioBody signs whatever form the body holds for the public URL.
func signTwilioBody(body string) string {
	form, _ := url.ParseQuery(body)
	return api.TwilioSignature(srcTwilioToken, srcPublicURL+"/api/v1/webhooks/twilio", form)
}

// withParam is a ringing callback for sid with one parameter changed.
func withParam(sid, name, value string) string {
	form := twilioForm(sid, "ringing")
	if sid == "" {
		form.Del("CallSid")
	}
	form.Set(name, value)
	return form.Encode()
}

// aircallBody is an Aircall webhook for an inbound call; answeredAt is raw JSON.
func aircallBody(event string, id any, answeredAt string) string {
	return aircallBodyWith(event, id, answeredAt, srcAircallToken, "inbound")
}

func aircallBodyWith(event string, id any, answeredAt, token, direction string) string {
	return fmt.Sprintf(`{"resource":"call","event":%q,"timestamp":1764580500,"token":%q,"data":{
		"id":%v,"direct_link":"https://api.aircall.io/v1/calls/1","direction":%q,"status":"initial",
		"started_at":1764580490,"answered_at":%s,"ended_at":null,"duration":0,"raw_digits":"+31 6 12 34 56 78",
		"user":{"id":1,"name":"Eva Jansen","email":"eva@example.com"},
		"number":{"id":2,"name":"Receptie","digits":"+31 20 794 6000"},"tags":[],"comments":[]}}`,
		event, token, jsonID(id), direction, answeredAt)
}

// rawID is an id written into the JSON as it is (null, an object, ...).
type rawID string

func jsonID(id any) string {
	if r, ok := id.(rawID); ok {
		return string(r)
	}
	if s, ok := id.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(id)
}

func TestAircallWebhook(t *testing.T) {
	ts := newSrcServer(t, nil)
	ctx := context.Background()

	t.Run("CreatedStoredAndRecognised", func(t *testing.T) {
		got := srcAccepted(t, ts.aircall(t, aircallBody("call.created", 812, "null")))
		if got.Status != "stored" || got.CallStatus != "ringing" || got.Match != crm.MatchContact || got.DisplayName != srcCallerName {
			t.Fatalf("answer = %+v", got)
		}
		call, err := ts.store.CallByRef(ctx, "812")
		if err != nil {
			t.Fatal(err)
		}
		if call.Source != "aircall" || call.From.E164 != srcCaller || call.To.E164 != "+31207946000" || call.Agent != "" {
			t.Fatalf("stored call = %+v", call)
		}
	})
	t.Run("EventMapping", func(t *testing.T) {
		tests := []struct {
			event, answeredAt string
			want              crm.CallStatus
		}{
			{"call.created", "null", crm.CallRinging},
			{"call.ringing_on_agent", "null", crm.CallRinging},
			{"call.answered", "1764580495", crm.CallAnswered},
			{"call.hungup", "1764580495", crm.CallEnded},
			{"call.ended", "1764580495", crm.CallEnded},
			{"call.hungup", "null", crm.CallMissed},
			{"call.ended", "0", crm.CallMissed},
		}
		for i, tt := range tests {
			got := srcAccepted(t, ts.aircall(t, aircallBody(tt.event, 900+i, tt.answeredAt)))
			if got.CallStatus != string(tt.want) {
				t.Errorf("%s with answered_at %s: %q, want %q", tt.event, tt.answeredAt, got.CallStatus, tt.want)
			}
		}
	})
	t.Run("WholeCallNamesTheAgentWhoAnswered", func(t *testing.T) {
		for _, ev := range []string{"call.created", "call.ringing_on_agent", "call.answered", "call.hungup", "call.ended"} {
			answered := "null"
			if ev == "call.answered" || ev == "call.hungup" || ev == "call.ended" {
				answered = "1764580495"
			}
			srcAccepted(t, ts.aircall(t, aircallBody(ev, "1000", answered)))
		}
		call, err := ts.store.CallByRef(ctx, "1000")
		if err != nil || call.Status != crm.CallEnded || call.Agent != "Eva Jansen" || call.Missed {
			t.Fatalf("call = %+v, %v", call, err)
		}
	})
	t.Run("DuplicateAnsweredAndStoredOnce", func(t *testing.T) {
		before := len(ts.calls(t))
		first := srcAccepted(t, ts.aircall(t, aircallBody("call.created", 2000, "null")))
		second := srcAccepted(t, ts.aircall(t, aircallBody("call.created", 2000, "null")))
		if first.Status != "stored" || second.Status != "duplicate" {
			t.Fatalf("answers %+v then %+v", first, second)
		}
		if n := len(ts.calls(t)); n != before+1 {
			t.Fatalf("%d calls stored, want %d", n, before+1)
		}
	})
	t.Run("Ignored", func(t *testing.T) {
		before := len(ts.calls(t))
		bodies := []string{
			aircallBody("call.tagged", 3000, "null"),
			aircallBody("call.commented", 3001, "null"),
			aircallBody("call.transferred", 3002, "null"),
			aircallBody("call.assigned", 3003, "null"),
			aircallBodyWith("call.created", 3004, "null", srcAircallToken, "outbound"),
			`{"resource":"user","event":"user.opened","timestamp":1764580500,"token":"` + srcAircallToken + `","data":{"id":1}}`,
		}
		for _, b := range bodies {
			srcIgnored(t, ts.aircall(t, b))
		}
		if n := len(ts.calls(t)); n != before {
			t.Fatalf("ignored webhooks stored %d calls", n-before)
		}
		if n := ts.webhooks(t, "aircall", "ignored"); n != float64(len(bodies)) {
			t.Fatalf("ignored counter = %v", n)
		}
	})

	refused := []struct {
		name        string
		contentType string
		body        string
		status      int
		field       string
	}{
		{"ErrWrongToken", "application/json", aircallBodyWith("call.created", 4001, "null", "not-the-token", "inbound"),
			http.StatusUnauthorized, "token"},
		{"ErrMissingToken", "application/json", aircallBodyWith("call.created", 4002, "null", "", "inbound"),
			http.StatusUnauthorized, "token"},
		{"ErrWrongTokenBeforeUnknownEvent", "application/json", aircallBodyWith("call.exploded", 4003, "null", "nope", "inbound"),
			http.StatusUnauthorized, "token"},
		{"ErrForm", "application/x-www-form-urlencoded", aircallBody("call.created", 4004, "null"),
			http.StatusUnsupportedMediaType, "content-type"},
		{"ErrMalformedJSON", "application/json", `{"event":"call.created",`, http.StatusBadRequest, ""},
		{"ErrTwoValues", "application/json", aircallBody("call.created", 4005, "null") + `{}`, http.StatusBadRequest, ""},
		{"ErrWrongType", "application/json", `{"event":5,"token":"` + srcAircallToken + `"}`, http.StatusBadRequest, "event"},
		{"ErrMissingID", "application/json", aircallBody("call.created", rawID("null"), "null"), http.StatusBadRequest, "data.id"},
		{"ErrObjectID", "application/json", aircallBody("call.created", rawID(`{"x":1}`), "null"), http.StatusBadRequest, "data.id"},
		{"ErrUnknownEvent", "application/json", aircallBody("call.exploded", 4006, "null"), http.StatusBadRequest, "event"},
		{"ErrMissingEvent", "application/json", aircallBody("", 4007, "null"), http.StatusBadRequest, "event"},
		{"ErrTooLarge", "application/json", `{"pad":"` + strings.Repeat("x", api.MaxBody) + `"}`,
			http.StatusRequestEntityTooLarge, ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := len(ts.calls(t))
			srcRefused(t, ts.post(t, "/api/v1/webhooks/aircall", tt.contentType, []byte(tt.body), nil), tt.status, tt.field)
			if n := len(ts.calls(t)); n != before {
				t.Fatalf("a refused webhook stored a call (%d -> %d)", before, n)
			}
		})
	}

	t.Run("ErrNotConfigured", func(t *testing.T) {
		off := newSrcServer(t, func(c *api.Config) { c.AircallToken = "" })
		msg := srcRefused(t, off.aircall(t, aircallBody("call.created", 5000, "null")), http.StatusUnauthorized, "token")
		if !strings.Contains(msg, "CALLCARD_AIRCALL_TOKEN") {
			t.Fatalf("message %q does not say how to switch Aircall on", msg)
		}
		if len(off.calls(t)) != 0 {
			t.Fatal("stored a call")
		}
	})
}
