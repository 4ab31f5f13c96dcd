package api

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/callcard/callcard/crm"
)

// WebhookTolerance is how far a Standard Webhooks timestamp may be from our
// clock, either way. It bounds how long a captured request can be replayed;
// within it, the event's dedup key makes a replay a harmless duplicate.
const WebhookTolerance = 5 * time.Minute

// standardSecretPrefix starts every Standard Webhooks secret. It is stripped
// before decoding; a bare base64 key is accepted too, as the reference
// libraries do.
const standardSecretPrefix = "whsec_"

// VerifyStandardWebhook checks a request signed according to the Standard
// Webhooks specification (https://www.standardwebhooks.com): the headers
// webhook-id, webhook-timestamp and webhook-signature, an HMAC-SHA256 over
// "id.timestamp.body" keyed with the base64 part of a "whsec_" secret.
//
// The signature header may carry several space-separated "v1,<base64>"
// entries (a sender rotating secrets signs with both); one match is enough
// and entries of other versions are skipped. Timestamps more than
// WebhookTolerance away from now are refused in either direction.
//
// Every failure is a *crm.Error with CodeUnauthorised naming the header at
// fault, except an undecodable secret, which is our misconfiguration and
// therefore CodeInternal. Messages never contain the secret.
func VerifyStandardWebhook(secret, id, timestamp, signatureHeader string, body []byte, now time.Time) error {
	if strings.TrimSpace(id) == "" {
		return crm.Errorf(crm.CodeUnauthorised, "webhook-id", "the webhook-id header is missing")
	}
	if strings.TrimSpace(timestamp) == "" {
		return crm.Errorf(crm.CodeUnauthorised, "webhook-timestamp", "the webhook-timestamp header is missing")
	}
	if strings.TrimSpace(signatureHeader) == "" {
		return crm.Errorf(crm.CodeUnauthorised, "webhook-signature", "the webhook-signature header is missing")
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return crm.Errorf(crm.CodeUnauthorised, "webhook-timestamp",
			"the webhook-timestamp header must be whole Unix seconds")
	}
	// Compare in seconds, on our side of the subtraction, so that absurd
	// values cannot overflow.
	nowSec, tol := now.Unix(), int64(WebhookTolerance/time.Second)
	switch {
	case sec < nowSec-tol:
		return crm.Errorf(crm.CodeUnauthorised, "webhook-timestamp",
			"the webhook is too old: its timestamp is more than %s in the past", WebhookTolerance)
	case sec > nowSec+tol:
		return crm.Errorf(crm.CodeUnauthorised, "webhook-timestamp",
			"the webhook's timestamp is more than %s in the future; check the sender's clock", WebhookTolerance)
	}
	key, err := standardKey(secret)
	if err != nil {
		return &crm.Error{Code: crm.CodeInternal, Message: "the configured webhook secret is not valid", Err: err}
	}
	want := standardMAC(key, id, timestamp, body)
	for _, entry := range strings.Fields(signatureHeader) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue // other schemes (v1a is asymmetric) are not ours to judge
		}
		// Strict: a lenient decoder ignores the unused bits of the last
		// character, so "…1OH=" would pass for the signature "…1OE=".
		// Harmless (the bytes are the same), but a signature has one
		// spelling, and only that one is accepted.
		got, err := base64.StdEncoding.Strict().DecodeString(sig)
		if err != nil {
			continue
		}
		if hmac.Equal(got, want) {
			return nil
		}
	}
	return crm.Errorf(crm.CodeUnauthorised, "webhook-signature",
		"no v1 signature in the webhook-signature header matches the body; check the webhook secret")
}

// SignStandardWebhook returns the webhook-signature header value ("v1,<base64>")
// for body sent with the given webhook-id and a webhook-timestamp of ts.
func SignStandardWebhook(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := standardKey(secret)
	if err != nil {
		return "", &crm.Error{Code: crm.CodeInvalid, Field: "webhook-secret",
			Message: "the webhook secret must be \"whsec_\" followed by base64", Err: err}
	}
	mac := standardMAC(key, id, strconv.FormatInt(ts.Unix(), 10), body)
	return "v1," + base64.StdEncoding.EncodeToString(mac), nil
}

func standardKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(secret), standardSecretPrefix))
	if err == nil && len(key) == 0 {
		err = base64.CorruptInputError(0)
	}
	return key, err
}

func standardMAC(key []byte, id, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// TwilioSignature computes the X-Twilio-Signature Twilio sends with a form
// POST to fullURL: base64 of HMAC-SHA1, keyed with the account's auth token,
// over the URL followed by every parameter's name and value, sorted by name
// and then by value.
func TwilioSignature(authToken, fullURL string, params url.Values) string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(fullURL))
	for _, name := range names {
		values := append([]string(nil), params[name]...)
		sort.Strings(values)
		for _, v := range values {
			m.Write([]byte(name))
			m.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyTwilioSignature reports whether signature is Twilio's signature of
// the request. Twilio has signed URLs both with and without an explicit
// default port (":443" for https), so, like Twilio's own validators, both
// spellings of fullURL are tried. The comparison is constant-time.
func VerifyTwilioSignature(authToken, fullURL string, params url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	ok := false
	for _, u := range twilioURLVariants(fullURL) {
		want := TwilioSignature(authToken, u, params)
		// Evaluate every variant so timing does not tell which one matched.
		if subtle.ConstantTimeCompare([]byte(want), []byte(signature)) == 1 {
			ok = true
		}
	}
	return ok
}

// twilioURLVariants is fullURL as given plus, for http and https, the same
// URL with the default port added or removed. The host is edited as text so
// that the path and query keep the exact escaping Twilio signed.
func twilioURLVariants(fullURL string) []string {
	out := []string{fullURL}
	scheme, rest, ok := strings.Cut(fullURL, "://")
	def := map[string]string{"https": "443", "http": "80"}[strings.ToLower(scheme)]
	if !ok || def == "" {
		return out
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, tail := rest[:end], rest[end:]
	if strings.Contains(host, "@") || host == "" {
		return out // user info in a webhook URL: leave it alone
	}
	switch {
	case strings.HasSuffix(host, ":"+def):
		host = strings.TrimSuffix(host, ":"+def)
	case strings.HasSuffix(host, "]") || !strings.Contains(host, ":"):
		host += ":" + def // no port (an IPv6 literal ends in "]")
	default:
		return out // some other port: Twilio signs it as given
	}
	return append(out, scheme+"://"+host+tail)
}
