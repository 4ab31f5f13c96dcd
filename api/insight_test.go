package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
	"github.com/callcard/callcard/ui"
)

// insightServer is the API with the console's sessions and the insight
// routes wired in, as `callcard serve` wires them.
type insightServer struct {
	*httptest.Server
	store *crm.Store
	token string
}

func newInsightServer(t *testing.T) *insightServer {
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := api.NewHub(nil)
	e := api.NewEcho(log)
	console, err := ui.New(e, ui.Config{Store: store, Logger: log, Publish: hub.Publish, StatusOf: api.StatusOf})
	if err != nil {
		t.Fatal(err)
	}
	api.New(e, api.Config{Register: store, Hub: hub, Metrics: api.NewMetrics(), Logger: log, Insight: store,
		Sessions: func(c echo.Context) (api.Principal, bool) {
			u, ok := console.UserOf(c)
			return api.Principal{Kind: "user", Name: u.Username, Role: u.Role, EmployeeID: u.EmployeeID}, ok
		}})
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		store.Close()
	})
	return &insightServer{Server: srv, store: store, token: token}
}

// session signs a new client in through the console's sign-in form; its
// cookie jar then carries the session to the API.
func (ts *insightServer) session(t *testing.T, username, name string, role crm.Role) (*http.Client, int64) {
	t.Helper()
	const password = "insight test password"
	u, err := ts.store.CreateUser(context.Background(), crm.UserInput{Username: username, Name: name, Password: password, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signing in as %s: status %d", username, resp.StatusCode)
	}
	return c, u.EmployeeID
}

// call sends a request with client (nil: the PBX token) and returns the
// status and body.
func (ts *insightServer) call(t *testing.T, client *http.Client, method, path, contentType, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, bytes.NewReader([]byte(body)))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if client == nil {
		client = http.DefaultClient
		req.Header.Set("Authorization", "Bearer "+ts.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func (ts *insightServer) ring(t *testing.T, callID, from string) {
	t.Helper()
	status, body := ts.call(t, nil, http.MethodPost, "/api/v1/webhooks/call", "application/json",
		`{"call_id":"`+callID+`","event":"ringing","from":"`+from+`"}`)
	if status != http.StatusOK {
		t.Fatalf("webhook: %d %s", status, body)
	}
}

func TestInsightAPI(t *testing.T) {
	ctx := context.Background()
	ts := newInsightServer(t)
	am, err := ts.store.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Role: crm.RoleAccountManager,
		Numbers: []crm.NumberInput{{Raw: "06 23456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	org, err := ts.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme Logistiek BV", AccountManagerID: am.ID,
		AnnualValue: 840000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Martijn de Vries",
		Numbers: []crm.NumberInput{{Raw: "06 12345678"}}}); err != nil {
		t.Fatal(err)
	}
	quiet, err := ts.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Stil BV", AnnualValue: 2000000})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.store.SaveServices(ctx, []crm.ServiceInput{{Code: "backup", Name: "Online backup"},
		{Code: "vpn", Name: "Managed VPN", Pitch: "Safe access from home.", Keywords: []string{"vpn"}}}); err != nil {
		t.Fatal(err)
	}
	sanne, sanneID := ts.session(t, "sanne", "Sanne Visser", crm.RoleAccountManager)
	rita, ritaID := ts.session(t, "rita", "Rita Jansen", crm.RoleReceptionist)
	if sanneID != am.ID {
		t.Fatalf("sanne is employee %d, want %d", sanneID, am.ID)
	}

	// Five calls: 3 recognised, 1 unknown, 1 withheld.
	for i, from := range []string{"06 12345678", "06 12345678", "06 23456789", "020 123 4567", "anonymous"} {
		ts.ring(t, "c"+strconv.Itoa(i), from)
	}
	// A note naming a keyword, a callback and a lead for Sanne; the lead is
	// won for €1,200 a year below.
	if _, err := ts.store.AddInteraction(ctx, crm.InteractionInput{OrganisationID: org.ID, Kind: crm.KindNote,
		Summary: "Asked about a VPN for home workers"}); err != nil {
		t.Fatal(err)
	}
	cb, err := ts.store.RequestCallback(ctx, crm.CallbackInput{OrganisationID: org.ID, AuthorID: ritaID, Message: "About the invoice"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: org.ID, ServiceCode: "backup",
		Outcome: crm.HintInterested, AuthorID: ritaID, CallID: "c0"}); err != nil {
		t.Fatal(err)
	}

	t.Run("TokenForbidden", func(t *testing.T) {
		for _, r := range []struct{ method, path, ct, body string }{
			{http.MethodGet, "/api/v1/work", "", ""},
			{http.MethodPost, "/api/v1/work/" + strconv.FormatInt(cb.ID, 10) + "/done", "application/json", "{}"},
			{http.MethodGet, "/api/v1/care", "", ""},
			{http.MethodGet, "/api/v1/dashboard", "", ""},
			{http.MethodGet, "/api/v1/organisations/" + strconv.FormatInt(org.ID, 10) + "/hints", "", ""},
		} {
			status, body := ts.call(t, nil, r.method, r.path, r.ct, r.body)
			if status != http.StatusForbidden {
				t.Errorf("%s %s with a token: %d %s, want 403", r.method, r.path, status, body)
			}
		}
		// Without any credentials: 401.
		if status, _ := ts.call(t, &http.Client{}, http.MethodGet, "/api/v1/work", "", ""); status != http.StatusUnauthorized {
			t.Errorf("anonymous: status %d, want 401", status)
		}
	})
	t.Run("Roles", func(t *testing.T) {
		for path, want := range map[string]int{"/api/v1/dashboard": http.StatusForbidden, "/api/v1/care": http.StatusForbidden,
			"/api/v1/work": http.StatusOK, "/api/v1/organisations/" + strconv.FormatInt(org.ID, 10) + "/hints": http.StatusOK} {
			if status, body := ts.call(t, rita, http.MethodGet, path, "", ""); status != want {
				t.Errorf("receptionist GET %s: %d %s, want %d", path, status, body, want)
			}
		}
	})
	t.Run("Hints", func(t *testing.T) {
		status, body := ts.call(t, rita, http.MethodGet, "/api/v1/organisations/"+strconv.FormatInt(org.ID, 10)+"/hints", "", "")
		got := decode[struct {
			Hints []api.HintView `json:"hints"`
		}](t, body)
		// backup rests (its lead is open); vpn was named in a note.
		if status != http.StatusOK || len(got.Hints) != 1 || got.Hints[0].Service != "vpn" || got.Hints[0].Pitch != "Safe access from home." {
			t.Fatalf("hints: %d %s", status, body)
		}
		// The same reasons as facts, each with only its own fields: "days"
		// 0 (today) is there, "years" is not.
		if want := `"reasons":[{"kind":"mentioned","days":0,"keyword":"vpn"},{"kind":"never_offered"}]`; !strings.Contains(string(body), want) {
			t.Errorf("hints lack %s:\n%s", want, body)
		}
		if status, _ := ts.call(t, rita, http.MethodGet, "/api/v1/organisations/999999/hints", "", ""); status != http.StatusNotFound {
			t.Errorf("unknown organisation: status %d", status)
		}
	})

	type work struct {
		Work []api.WorkItemView `json:"work"`
	}
	t.Run("Work", func(t *testing.T) {
		status, body := ts.call(t, sanne, http.MethodGet, "/api/v1/work", "", "")
		w := decode[work](t, body)
		if status != http.StatusOK || len(w.Work) != 2 || w.Work[0].ID != cb.ID || w.Work[0].Kind != "callback" ||
			w.Work[0].Organisation.Name != "Acme Logistiek BV" || w.Work[0].Summary != "About the invoice" ||
			w.Work[1].Kind != "lead" || w.Work[1].Service != "backup" {
			t.Fatalf("work: %d %s", status, body)
		}
		if _, body := ts.call(t, rita, http.MethodGet, "/api/v1/work", "", ""); len(decode[work](t, body).Work) != 0 {
			t.Errorf("Rita's work: %s", body)
		}

		done := "/api/v1/work/" + strconv.FormatInt(cb.ID, 10) + "/done"
		if status, _ := ts.call(t, sanne, http.MethodPost, done, "application/x-www-form-urlencoded", "note=x"); status != http.StatusUnsupportedMediaType {
			t.Errorf("a form post: status %d, want 415", status)
		}
		if status, _ := ts.call(t, rita, http.MethodPost, done, "application/json", "{}"); status != http.StatusNotFound {
			t.Errorf("Rita closing Sanne's callback: status %d, want 404", status)
		}
		if status, body := ts.call(t, sanne, http.MethodPost, done, "application/json", `{"note":"Invoice resent"}`); status != http.StatusOK {
			t.Fatalf("done: %d %s", status, body)
		}
		if status, _ := ts.call(t, sanne, http.MethodPost, done, "application/json", ""); status != http.StatusNotFound {
			t.Errorf("done twice: status %d, want 404", status)
		}
		_, body = ts.call(t, sanne, http.MethodGet, "/api/v1/work", "", "")
		if w := decode[work](t, body); len(w.Work) != 1 || w.Work[0].Kind != "lead" {
			t.Errorf("work after done: %s", body)
		}
	})
	t.Run("Care", func(t *testing.T) {
		status, body := ts.call(t, sanne, http.MethodGet, "/api/v1/care?days=30", "", "")
		got := decode[struct {
			Days    int                `json:"days"`
			Clients []api.CareItemView `json:"clients"`
		}](t, body)
		// Acme was in touch today; Stil BV never was.
		if status != http.StatusOK || got.Days != 30 || len(got.Clients) != 1 || got.Clients[0].Organisation.ID != quiet.ID ||
			got.Clients[0].AnnualValueEUR != "20000" || got.Clients[0].LastContact != nil {
			t.Errorf("care: %d %s", status, body)
		}
		if status, _ := ts.call(t, sanne, http.MethodGet, "/api/v1/care?days=0", "", ""); status != http.StatusBadRequest {
			t.Errorf("days=0: status %d", status)
		}
	})
	t.Run("Dashboard", func(t *testing.T) {
		work, err := ts.store.OpenWork(ctx, sanneID)
		if err != nil || len(work) != 1 {
			t.Fatalf("open work %v %+v", err, work)
		}
		if err := ts.store.CloseLead(ctx, work[0].ID, sanneID, true, 120000, ""); err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			t.Skip("no time zone database")
		}
		today := time.Now().In(loc).Format(crm.DateLayout)
		status, body := ts.call(t, sanne, http.MethodGet, "/api/v1/dashboard?from="+today+"&to="+today, "", "")
		d := decode[api.DashboardView](t, body)
		if status != http.StatusOK {
			t.Fatalf("dashboard: %d %s", status, body)
		}
		want := api.FunnelView{Shown: 1, Mentioned: 1, Interested: 1, Won: 1, WonValueEUR: "1200"}
		if d.From != today || d.To != today || d.Calls != 5 || d.Recognised != 3 || d.Unknown != 1 || d.Withheld != 1 ||
			d.RecognitionRate != 75 || d.Funnel != want || d.LeadsWon != 1 || d.LeadRevenueEUR != "1200" ||
			d.CallbacksDone != 1 || len(d.CallsPerDay) != 1 || d.CallsPerDay[0].Calls != 5 {
			t.Errorf("dashboard: %s", body)
		}
		var sanneFigs *api.EmployeeFigsView
		for i := range d.Employees {
			if d.Employees[i].ID == sanneID {
				sanneFigs = &d.Employees[i]
			}
		}
		if sanneFigs == nil || sanneFigs.LeadsWon != 1 || sanneFigs.LeadValueEUR != "1200" || sanneFigs.CallbacksDone != 1 {
			t.Errorf("Sanne's figures: %+v", sanneFigs)
		}
		// The default period is this month, through today.
		_, body = ts.call(t, sanne, http.MethodGet, "/api/v1/dashboard", "", "")
		if d := decode[api.DashboardView](t, body); d.To != today || len(d.CallsPerDay) != time.Now().In(loc).Day() {
			t.Errorf("default period %s to %s, %d days", d.From, d.To, len(d.CallsPerDay))
		}
		for _, q := range []string{"from=yesterday", "from=2026-02-01&to=2026-01-01"} {
			if status, _ := ts.call(t, sanne, http.MethodGet, "/api/v1/dashboard?"+q, "", ""); status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", q, status)
			}
		}
	})
}
