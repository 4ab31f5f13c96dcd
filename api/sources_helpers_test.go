package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// Helpers for the Twilio and Aircall tests. Names start with "src" so they
// never clash with the other tests of this package.

const (
	// srcPublicURL is where Twilio believes it sends callbacks; the tests
	// reach the server on httptest's address instead, as behind a proxy.
	srcPublicURL    = "https://callcard.example.com"
	srcTwilioToken  = "twilio-auth-token-for-tests"
	srcAircallToken = "aircall-token-for-tests"
	srcCaller       = "+31612345678" // Martijn de Vries at Acme Logistiek BV
	srcCallerName   = "Martijn de Vries (Acme Logistiek BV)"
)

// srcServer is the API over a real SQLite file with Twilio and Aircall set up.
type srcServer struct {
	url     string
	store   *crm.Store
	metrics *api.Metrics
}

// newSrcServer starts a server; edit may change its configuration first.
func newSrcServer(t testing.TB, edit func(*api.Config)) *srcServer {
	t.Helper()
	ctx := context.Background()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	store, err := crm.Open(ctx, crm.Config{Path: filepath.Join(t.TempDir(), "cc.db"), Phone: n})
	if err != nil {
		t.Fatal(err)
	}
	org, err := store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme Logistiek BV",
		Numbers: []crm.NumberInput{{Raw: "020 794 6000"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Martijn de Vries",
		Numbers: []crm.NumberInput{{Raw: "06 12345678"}}}); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := api.Config{Register: store, Hub: api.NewHub(nil), Metrics: api.NewMetrics(), Logger: log,
		PublicURL: srcPublicURL, TwilioAuthToken: srcTwilioToken, AircallToken: srcAircallToken}
	if edit != nil {
		edit(&cfg)
	}
	e := api.NewEcho(log)
	api.New(e, cfg)
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		cfg.Hub.Close()
		srv.Close()
		store.Close()
	})
	return &srcServer{url: srv.URL, store: store, metrics: cfg.Metrics}
}

// srcResp is a status and the body that came with it.
type srcResp struct {
	status int
	body   []byte
}

// post sends body to path and returns the answer.
func (s *srcServer) post(t testing.TB, path, contentType string, body []byte, headers map[string]string) srcResp {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return srcResp{resp.StatusCode, out}
}

// twilio posts form the way Twilio does, signed for the public URL.
func (s *srcServer) twilio(t testing.TB, form url.Values) srcResp {
	t.Helper()
	const path = "/api/v1/webhooks/twilio"
	sig := api.TwilioSignature(srcTwilioToken, srcPublicURL+path, form)
	return s.post(t, path, "application/x-www-form-urlencoded", []byte(form.Encode()),
		map[string]string{"X-Twilio-Signature": sig})
}

// aircall posts an Aircall webhook.
func (s *srcServer) aircall(t testing.TB, body string) srcResp {
	t.Helper()
	return s.post(t, "/api/v1/webhooks/aircall", "application/json", []byte(body), nil)
}

// calls is every call in the register.
func (s *srcServer) calls(t testing.TB) []crm.Call {
	t.Helper()
	calls, err := s.store.Calls(context.Background(), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

// webhooks reads the webhook counter of source and outcome.
func (s *srcServer) webhooks(t testing.TB, source, outcome string) float64 {
	t.Helper()
	var m dto.Metric
	if err := s.metrics.Webhooks.WithLabelValues(source, outcome).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// srcAccepted decodes a 200 answer to a recorded webhook.
func srcAccepted(t testing.TB, r srcResp) api.WebhookResponse {
	t.Helper()
	status, body := r.status, r.body
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var w api.WebhookResponse
	if err := json.Unmarshal(body, &w); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return w
}

// srcIgnored checks a 200 {"status":"ignored"} answer.
func srcIgnored(t testing.TB, r srcResp) {
	t.Helper()
	var m map[string]any
	if r.status != http.StatusOK || json.Unmarshal(r.body, &m) != nil || m["status"] != "ignored" {
		t.Fatalf("want 200 ignored, got %d: %s", r.status, r.body)
	}
}

// srcRefused checks an error answer: the status, and a JSON body holding
// only "error" (non-empty) and "field" (as given; "" means absent).
func srcRefused(t testing.TB, resp srcResp, wantStatus int, wantField string) string {
	t.Helper()
	status, body := resp.status, resp.body
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, body)
	}
	var r map[string]any
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("error body is not JSON: %s", body)
	}
	msg, _ := r["error"].(string)
	field, _ := r["field"].(string)
	delete(r, "error")
	delete(r, "field")
	if msg == "" || field != wantField || len(r) != 0 {
		t.Fatalf("error body %s; want {error, field: %q}", body, wantField)
	}
	return msg
}
