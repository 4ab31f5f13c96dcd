package api

import (
	"encoding/base64"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// Fuzz targets for every parser of webhook bodies. Seeds live in
// testdata/fuzz/<Name>/. Each target checks that no input panics, that every
// refusal is a *crm.Error with CodeInvalid (so it becomes a 4xx, never a
// 500), and that every acceptance is an event the register can store.

// fuzzInvalid fails unless err is a client error.
func fuzzInvalid(t *testing.T, err error) {
	t.Helper()
	var ce *crm.Error
	if !errors.As(err, &ce) || ce.Code != crm.CodeInvalid || ce.Message == "" {
		t.Fatalf("error %#v is not a *crm.Error with CodeInvalid", err)
	}
}

// fuzzEvent fails unless in is a storable event from source.
func fuzzEvent(t *testing.T, in crm.CallEventInput, source string) {
	t.Helper()
	if in.Source != source || in.ExternalID == "" {
		t.Fatalf("accepted event without source or id: %+v", in)
	}
	switch in.Event {
	case crm.EventRinging, crm.EventAnswered, crm.EventEnded, crm.EventMissed:
	default:
		t.Fatalf("accepted event %q", in.Event)
	}
}

func FuzzGenericWebhook(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := parseGenericCall(body)
		if err != nil {
			fuzzInvalid(t, err)
			return
		}
		fuzzEvent(t, in, "generic")
	})
}

func FuzzTwilioForm(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return // the handler answers 400 before parsing
		}
		// Signing must cope with any form too: it runs before parsing.
		_ = VerifyTwilioSignature("token", "https://callcard.example.com/api/v1/webhooks/twilio?"+string(body), form, "c2ln")
		in, ignored, err := parseTwilioForm(form)
		switch {
		case err != nil:
			fuzzInvalid(t, err)
		case ignored == "":
			fuzzEvent(t, in, "twilio")
		}
	})
}

func FuzzAircallJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := decodeAircall(body)
		if err != nil {
			fuzzInvalid(t, err)
			return
		}
		in, ignored, err := aircallCallEvent(w)
		switch {
		case err != nil:
			fuzzInvalid(t, err)
		case ignored == "":
			fuzzEvent(t, in, "aircall")
		}
	})
}

func FuzzStandardWebhookHeaders(f *testing.F) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	now := time.Unix(1614265330, 0)
	f.Add("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", []byte(`{"test": 2432232314}`))
	f.Add("msg_1", "-1", "v1a,xx v2,yy v1,", []byte(`{}`))
	f.Fuzz(func(t *testing.T, id, timestamp, signature string, body []byte) {
		err := VerifyStandardWebhook(secret, id, timestamp, signature, body, now)
		if err == nil {
			// Only a correct signature within the tolerance may pass.
			key, _ := standardKey(secret)
			want := "v1," + base64.StdEncoding.EncodeToString(standardMAC(key, id, timestamp, body))
			if !slices.Contains(strings.Fields(signature), want) {
				t.Fatalf("accepted id %q timestamp %q signature %q", id, timestamp, signature)
			}
			return
		}
		var ce *crm.Error
		if !errors.As(err, &ce) || ce.Code != crm.CodeUnauthorised {
			t.Fatalf("error %#v is not a *crm.Error with CodeUnauthorised", err)
		}
	})
}
