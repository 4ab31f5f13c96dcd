package api_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
)

// The Standard Webhooks specification's published example.
const (
	swSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	swTS     = "1614265330"
	swBody   = `{"test": 2432232314}`
	swSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var swNow = time.Unix(1614265330, 0)

func TestSignStandardWebhook(t *testing.T) {
	got, err := api.SignStandardWebhook(swSecret, swID, swNow, []byte(swBody))
	if err != nil || got != swSig {
		t.Fatalf("SignStandardWebhook = %q, %v; want %q", got, err, swSig)
	}
	t.Run("ErrBadSecret", func(t *testing.T) {
		_, err := api.SignStandardWebhook("whsec_not base64!", swID, swNow, []byte(swBody))
		if crm.ErrorCode(err) != crm.CodeInvalid || crm.ErrorField(err) != "webhook-secret" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestVerifyStandardWebhook(t *testing.T) {
	otherSig, err := api.SignStandardWebhook("whsec_"+"c2VjcmV0LWtleS1vZi1hbm90aGVyLXNlbmRlcg==", swID, swNow, []byte(swBody))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		secret    string
		id, ts    string
		sig, body string
		now       time.Time
		field     string // "" means the request is accepted
	}{
		{name: "OK", sig: swSig},
		{name: "OKBareBase64Secret", secret: strings.TrimPrefix(swSecret, "whsec_"), sig: swSig},
		{name: "OKFourMinutesLate", sig: swSig, now: swNow.Add(4 * time.Minute)},
		{name: "OKFourMinutesEarly", sig: swSig, now: swNow.Add(-4 * time.Minute)},
		{name: "OKSeveralSignatures", sig: otherSig + " " + swSig},
		{name: "OKV2EntriesIgnored", sig: "v2,Zm9v v1a,YmFy " + swSig},
		{name: "ErrOnlyV2Entry", sig: "v2," + strings.TrimPrefix(swSig, "v1,"), field: "webhook-signature"},
		{name: "ErrTooOld", sig: swSig, now: swNow.Add(5*time.Minute + time.Second), field: "webhook-timestamp"},
		{name: "ErrTooNew", sig: swSig, now: swNow.Add(-5*time.Minute - time.Second), field: "webhook-timestamp"},
		{name: "ErrTamperedBody", sig: swSig, body: `{"test": 2432232315}`, field: "webhook-signature"},
		{name: "ErrWrongSecret", sig: otherSig, field: "webhook-signature"},
		{name: "ErrOtherID", sig: swSig, id: "msg_other", field: "webhook-signature"},
		{name: "ErrMissingID", sig: swSig, id: " ", field: "webhook-id"},
		{name: "ErrMissingTimestamp", sig: swSig, ts: " ", field: "webhook-timestamp"},
		{name: "ErrMissingSignature", sig: "", field: "webhook-signature"},
		{name: "ErrFractionalTimestamp", sig: swSig, ts: "1614265330.5", field: "webhook-timestamp"},
		{name: "ErrTextTimestamp", sig: swSig, ts: "yesterday", field: "webhook-timestamp"},
		{name: "ErrHugeTimestamp", sig: swSig, ts: "9223372036854775807", field: "webhook-timestamp"},
		{name: "ErrHugeNegativeTimestamp", sig: swSig, ts: "-9223372036854775808", field: "webhook-timestamp"},
		{name: "ErrTimestampOverflows", sig: swSig, ts: "99999999999999999999", field: "webhook-timestamp"},
		{name: "ErrSignatureNotBase64", sig: "v1,!!!", field: "webhook-signature"},
		{name: "ErrNoVersion", sig: strings.TrimPrefix(swSig, "v1,"), field: "webhook-signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret, id, ts, body, now := swSecret, swID, swTS, swBody, swNow
			if tt.secret != "" {
				secret = tt.secret
			}
			if tt.id != "" {
				id = tt.id
			}
			if tt.ts != "" {
				ts = tt.ts
			}
			if tt.body != "" {
				body = tt.body
			}
			if !tt.now.IsZero() {
				now = tt.now
			}
			err := api.VerifyStandardWebhook(secret, id, ts, tt.sig, []byte(body), now)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ce *crm.Error
			if !errors.As(err, &ce) || ce.Code != crm.CodeUnauthorised || ce.Field != tt.field || ce.Message == "" {
				t.Fatalf("err = %#v; want unauthorised on %s", err, tt.field)
			}
			if strings.Contains(err.Error(), strings.TrimPrefix(swSecret, "whsec_")) {
				t.Fatalf("the message gives the secret away: %v", err)
			}
		})
	}
	t.Run("ErrBadConfiguredSecret", func(t *testing.T) {
		err := api.VerifyStandardWebhook("whsec_***", swID, swTS, swSig, []byte(swBody), swNow)
		if crm.ErrorCode(err) != crm.CodeInternal || strings.Contains(crm.ErrorMessage(err), "***") {
			t.Fatalf("err = %v", err)
		}
	})
}

// Twilio's published example of a signed request.
const (
	twToken = "12345"
	twURL   = "https://mycompany.com/myapp.php?foo=1&bar=2"
	twSig   = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
)

func twParams() url.Values {
	return url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+14158675309"},
		"Digits":  {"1234"},
		"From":    {"+14158675309"},
		"To":      {"+18005551212"},
	}
}

func TestTwilioSignature(t *testing.T) {
	if got := api.TwilioSignature(twToken, twURL, twParams()); got != twSig {
		t.Fatalf("TwilioSignature = %q; want %q", got, twSig)
	}
}

func TestVerifyTwilioSignature(t *testing.T) {
	tampered := twParams()
	tampered.Set("Digits", "1235")
	extra := twParams()
	extra.Add("Digits", "0000")
	tests := []struct {
		name   string
		token  string
		url    string
		params url.Values
		sig    string
		want   bool
	}{
		{"OK", twToken, twURL, twParams(), twSig, true},
		{"OKSignedWithDefaultPort", twToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", twParams(),
			api.TwilioSignature(twToken, twURL, twParams()), true},
		{"OKRequestCarriesDefaultPort", twToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", twParams(), twSig, true},
		{"ErrOtherPort", twToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", twParams(), twSig, false},
		{"ErrWrongToken", "54321", twURL, twParams(), twSig, false},
		{"ErrEmptyToken", "", twURL, twParams(), twSig, false},
		{"ErrOtherURL", twToken, "https://mycompany.com/myapp.php?foo=1&bar=3", twParams(), twSig, false},
		{"ErrTamperedParam", twToken, twURL, tampered, twSig, false},
		{"ErrExtraValue", twToken, twURL, extra, twSig, false},
		{"ErrEmptySignature", twToken, twURL, twParams(), "", false},
		{"ErrTruncatedSignature", twToken, twURL, twParams(), twSig[:10], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := api.VerifyTwilioSignature(tt.token, tt.url, tt.params, tt.sig); got != tt.want {
				t.Fatalf("VerifyTwilioSignature = %v; want %v", got, tt.want)
			}
		})
	}
	t.Run("RepeatedNamesSortedByValue", func(t *testing.T) {
		a := url.Values{"X": {"b", "a"}}
		b := url.Values{"X": {"a", "b"}}
		if api.TwilioSignature(twToken, twURL, a) != api.TwilioSignature(twToken, twURL, b) {
			t.Fatal("value order changed the signature")
		}
	})
}
