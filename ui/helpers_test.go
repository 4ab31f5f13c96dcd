package ui_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
	"github.com/callcard/callcard/ui"
)

// app is the whole server, wired as `callcard serve` wires it, over a real
// SQLite file.
type app struct {
	*httptest.Server
	store *crm.Store
	token string // an API token for webhooks
	hub   *api.Hub
}

func newApp(t testing.TB) *app {
	t.Helper()
	return newAppServing(t, nil)
}

// newAppServing is newApp with the server's handler wrapped by wrap (nil:
// none), for tests that make the network misbehave.
func newAppServing(t testing.TB, wrap func(http.Handler) http.Handler) *app {
	t.Helper()
	ctx := context.Background()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	store, err := crm.Open(ctx, crm.Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := store.CreateToken(ctx, "pbx")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testLog{t}, nil))
	metrics := api.NewMetrics()
	hub := api.NewHub(nil)
	e := api.NewEcho(log)
	console, err := ui.New(e, ui.Config{Store: store, Logger: log, Publish: hub.Publish, StatusOf: api.StatusOf})
	if err != nil {
		t.Fatal(err)
	}
	api.New(e, api.Config{Register: store, Hub: hub, Metrics: metrics, Logger: log, Heartbeat: time.Second,
		Sessions: func(c echo.Context) (api.Principal, bool) {
			u, ok := console.UserOf(c)
			return api.Principal{Kind: "user", Name: u.Username, Role: u.Role, EmployeeID: u.EmployeeID}, ok
		}})
	var h http.Handler = e
	if wrap != nil {
		h = wrap(e)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		store.Close()
	})
	return &app{Server: srv, store: store, token: token, hub: hub}
}

// seedClient registers Martijn at Acme with Sanne as account manager.
func (a *app) seedClient(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	am, err := a.store.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Role: crm.RoleAccountManager,
		Numbers: []crm.NumberInput{{Raw: "06 23456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	org, err := a.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme Logistiek BV", AccountManagerID: am.ID,
		ClientSince: time.Now().AddDate(-7, -2, 0), AnnualValue: 840000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Martijn de Vries",
		JobTitle: "ICT-manager", Numbers: []crm.NumberInput{{Raw: "06 12345678"}}}); err != nil {
		t.Fatal(err)
	}
}

// addUser makes a console user and returns the password.
func (a *app) addUser(t testing.TB, username, name string, role crm.Role) string {
	t.Helper()
	const password = "correct horse battery"
	if _, err := a.store.CreateUser(context.Background(), crm.UserInput{Username: username, Name: name, Password: password, Role: role}); err != nil {
		t.Fatal(err)
	}
	return password
}

// ring posts a generic ringing webhook with the API token.
func (a *app) ring(t testing.TB, callID, from string) {
	t.Helper()
	body := []byte(`{"call_id":"` + callID + `","event":"ringing","from":"` + from + `","forwarded_from":"06 23456789"}`)
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/api/v1/webhooks/call", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: status %d", resp.StatusCode)
	}
}

// testLog sends server logs to the test's log, shown when a test fails.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}
