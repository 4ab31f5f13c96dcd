package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// testServer is the real API over a real SQLite file, served by httptest.
type testServer struct {
	*httptest.Server
	store   *crm.Store
	token   string
	hub     *api.Hub
	metrics *api.Metrics
}

const testWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func newTestServer(t testing.TB) *testServer {
	t.Helper()
	ctx := context.Background()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	// Wired as serve wires it: the store reports to the metrics.
	metrics := api.NewMetrics()
	store, err := crm.Open(ctx, crm.Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n,
		ObserveCallEvent: metrics.ObserveCallEvent})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := store.CreateToken(ctx, "test pbx")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := api.NewHub(func(n int) { metrics.LiveSubscribers.Set(float64(n)) })
	e := api.NewEcho(log)
	api.New(e, api.Config{Register: store, Hub: hub, Metrics: metrics, Logger: log,
		WebhookSecret: testWebhookSecret, Heartbeat: 200 * time.Millisecond})
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		store.Close()
	})
	return &testServer{Server: srv, store: store, token: token, hub: hub, metrics: metrics}
}

// seed puts one client with one contact in the register.
func (ts *testServer) seed(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	am, err := ts.store.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Role: crm.RoleAccountManager,
		Numbers: []crm.NumberInput{{Raw: "06 55501234"}}})
	if err != nil {
		t.Fatal(err)
	}
	org, err := ts.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme Logistiek BV", AccountManagerID: am.ID,
		ClientSince: time.Now().AddDate(-7, -2, 0), AnnualValue: 840000, Numbers: []crm.NumberInput{{Raw: "020 794 6000"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Martijn de Vries",
		JobTitle: "ICT-manager", Numbers: []crm.NumberInput{{Raw: "06 12345678"}}}); err != nil {
		t.Fatal(err)
	}
}

// do sends a request with the test token unless headers say otherwise.
func (ts *testServer) do(t testing.TB, method, path, contentType string, body []byte, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+ts.token)
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
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
	return resp, out
}

func (ts *testServer) postCall(t testing.TB, body string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	return ts.do(t, http.MethodPost, "/api/v1/webhooks/call", "application/json", []byte(body), headers)
}

func decode[T any](t testing.TB, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return v
}

// sseEvent is one parsed frame of an event stream.
type sseEvent struct {
	ID    string
	Event string
	Data  string
}

// waitHeartbeat reads stream up to its first heartbeat: the server then
// has sent the backlog and waits for live events.
func waitHeartbeat(t testing.TB, stream <-chan sseEvent) {
	t.Helper()
	deadline := time.After(3 * time.Second)
	for {
		select {
		case e := <-stream:
			if e.Event == "comment" && strings.Contains(e.Data, "heartbeat") {
				return
			}
		case <-deadline:
			t.Fatal("no heartbeat")
		}
	}
}

// openStream connects to /api/v1/events and returns a channel of frames.
func (ts *testServer) openStream(t testing.TB, ctx context.Context, lastEventID string) <-chan sseEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+ts.token)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 100)
	go func() {
		defer resp.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Event != "" || ev.Data != "" {
					out <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				out <- sseEvent{Event: "comment", Data: line}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[6:]
			}
		}
	}()
	return out
}

// nextCall waits for the next "call" frame, skipping comments.
func nextCall(t testing.TB, stream <-chan sseEvent) sseEvent {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-stream:
			if !ok {
				t.Fatal("event stream closed")
			}
			if ev.Event == "call" {
				return ev
			}
		case <-timeout:
			t.Fatal("no call event within 5 s")
		}
	}
}
