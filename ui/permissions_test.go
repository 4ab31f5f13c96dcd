package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/callcard/callcard/api"
	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
	"github.com/callcard/callcard/ui"
)

// servedApp is the whole server wired exactly as cmd/callcard/serve.go
// wires it (console, API with the console's sessions, insight routes), over
// a real SQLite file.
type servedApp struct {
	*httptest.Server
	store *crm.Store
	echo  *echo.Echo
	token string // an API token
}

type servedOptions struct {
	TLS           bool      // serve over TLS (httptest.NewTLSServer)
	PublicURL     string    // as --public-url; "" means the server's own URL
	WebhookSecret string    // as --webhook-secret
	Log           io.Writer // server logs; nil: the test log
}

func newServedApp(t testing.TB, o servedOptions) *servedApp {
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
	var w io.Writer = testLog{t}
	if o.Log != nil {
		w = o.Log
	}
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	metrics := api.NewMetrics()
	hub := api.NewHub(func(n int) { metrics.LiveSubscribers.Set(float64(n)) })
	e := api.NewEcho(log)
	srv := httptest.NewUnstartedServer(e)
	if o.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	publicURL := o.PublicURL
	if publicURL == "" {
		publicURL = srv.URL
	}
	console, err := ui.New(e, ui.Config{Store: store, Logger: log, Publish: hub.Publish, StatusOf: api.StatusOf,
		SecureCookies: strings.HasPrefix(publicURL, "https://")})
	if err != nil {
		t.Fatal(err)
	}
	api.New(e, api.Config{Register: store, Hub: hub, Metrics: metrics, Logger: log, PublicURL: publicURL,
		WebhookSecret: o.WebhookSecret, Insight: store,
		Sessions: func(c echo.Context) (api.Principal, bool) {
			u, ok := console.UserOf(c)
			return api.Principal{Kind: "user", Name: u.Username, Role: u.Role, EmployeeID: u.EmployeeID, UserID: u.ID}, ok
		}})
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
		store.Close()
	})
	return &servedApp{Server: srv, store: store, echo: e, token: token}
}

// Outcome classes of the permission matrix.
const (
	letIn       = 'A' // through the door: any answer but the two below
	needsSignIn = 'U' // 401, or for a page a redirect to /login
	refused     = 'F' // 403
)

// Who asks, in the order of the letters in the table below.
var principals = []string{"nobody", "token", "receptionist", "account_manager", "service_manager", "admin"}

// Rows of the matrix: one letter per principal, in the order above.
const (
	public       = "AAAAAA" // anyone
	telephony    = "UAUUUU" // API tokens (or a signature); a browser session is not enough
	notHere      = "UUUUUU" // a webhook source this server has no secret for
	apiAnyone    = "UAAAAA" // API tokens and signed-in people
	apiPeople    = "UFAAAA" // signed-in people only; a token is refused (403)
	apiManagers  = "UFFAAA" // managers (and admins) only
	everyone     = "UUAAAA" // every signed-in person
	managersOnly = "UUFAAA" // account and service managers, admins
	adminsOnly   = "UUFFFA"
)

// permissions is who may use each route. Every route on the server must
// have a line here: a new route without one fails the test. Lines for
// routes that are not registered are simply unused.
var permissions = map[string]string{
	"GET /login":              public,
	"POST /login":             public,
	"GET /lang/:lang":         public,
	"GET /static/:hash/:name": public,
	"GET /healthz":            public,
	"HEAD /healthz":           public,

	"POST /api/v1/webhooks/call":      telephony,
	"POST /api/v1/webhooks/twilio":    notHere,
	"POST /api/v1/webhooks/aircall":   notHere,
	"GET /api/v1/lookup":              apiAnyone,
	"GET /api/v1/calls":               apiAnyone,
	"GET /api/v1/calls/:call_id/card": apiAnyone,
	"GET /api/v1/events":              apiAnyone,
	"GET /metrics":                    apiAnyone,

	"GET /api/v1/organisations/:id/hints": apiPeople,
	"GET /api/v1/work":                    apiPeople,
	"POST /api/v1/work/:id/done":          apiPeople,
	"GET /api/v1/care":                    apiManagers,
	"GET /api/v1/dashboard":               apiManagers,

	"POST /logout":                      everyone,
	"GET /":                             everyone,
	"GET /console/calls":                everyone,
	"GET /console/cards/:id":            everyone,
	"POST /console/calls/:id/take":      everyone,
	"POST /console/calls/:id/handled":   everyone,
	"POST /console/calls/:id/note":      everyone,
	"POST /console/calls/:id/quick-add": everyone,
	"POST /console/calls/:id/callback":  everyone,
	"POST /console/calls/:id/hint":      everyone,
	"GET /console/organisations":        everyone,
	"GET /clients":                      everyone,
	"GET /clients/:id":                  everyone,
	"GET /clients/:id/contacts/new":     everyone,
	"POST /clients/:id/contacts/new":    everyone,
	"GET /contacts/:id/edit":            everyone,
	"POST /contacts/:id/edit":           everyone,
	"GET /work":                         everyone,
	"POST /work/:id/done":               everyone,
	"POST /work/:id/lead":               everyone,
	"GET /goals":                        everyone,

	"GET /clients/new":         managersOnly,
	"POST /clients/new":        managersOnly,
	"GET /clients/:id/edit":    managersOnly,
	"POST /clients/:id/edit":   managersOnly,
	"POST /numbers/:id/delete": managersOnly,
	"GET /care":                managersOnly,
	"POST /care/:org_id":       managersOnly,
	"GET /dashboard":           managersOnly,

	"POST /goals":            adminsOnly,
	"POST /goals/roles":      adminsOnly,
	"POST /goals/:id":        adminsOnly,
	"POST /goals/:id/delete": adminsOnly,

	"GET /admin":                      adminsOnly,
	"GET /admin/employees":            adminsOnly,
	"POST /admin/employees":           adminsOnly,
	"GET /admin/employees/:id":        adminsOnly,
	"POST /admin/employees/:id":       adminsOnly,
	"GET /admin/services":             adminsOnly,
	"POST /admin/services":            adminsOnly,
	"GET /admin/services/:code":       adminsOnly,
	"POST /admin/services/:code":      adminsOnly,
	"GET /admin/users":                adminsOnly,
	"POST /admin/users":               adminsOnly,
	"POST /admin/users/:id/disable":   adminsOnly,
	"POST /admin/users/:id/enable":    adminsOnly,
	"POST /admin/users/:id/password":  adminsOnly,
	"GET /admin/tokens":               adminsOnly,
	"POST /admin/tokens":              adminsOnly,
	"POST /admin/tokens/revoke":       adminsOnly,
	"GET /admin/audit":                adminsOnly,
	"GET /admin/privacy":              adminsOnly,
	"GET /admin/contacts/:id/privacy": adminsOnly,
	"GET /admin/contacts/:id/export":  adminsOnly,
	"POST /admin/contacts/:id/erase":  adminsOnly,
}

// pathFor fills a route's parameters with values that name nothing, so an
// allowed request is answered (often 404) without changing anything.
func pathFor(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		switch p {
		case ":lang":
			parts[i] = "en"
		case ":hash", ":name", ":code", ":call_id":
			parts[i] = "nothing"
		default:
			if strings.HasPrefix(p, ":") {
				parts[i] = "999999"
			}
		}
	}
	return strings.Join(parts, "/")
}

// TestPermissions asks every route on the server as each kind of caller and
// checks who gets through, who is sent to sign in and who is refused.
func TestPermissions(t *testing.T) {
	ctx := context.Background()
	a := newServedApp(t, servedOptions{})
	const password = "correct horse battery"
	users := map[string]crm.User{}
	for _, role := range crm.UserRoles {
		u, err := a.store.CreateUser(ctx, crm.UserInput{Username: string(role), Password: password, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		users[string(role)] = u
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var routes []*echo.Route
	var missing []string
	for _, r := range a.echo.Routes() {
		if r.Method == echo.RouteNotFound {
			continue // the groups' catch-alls: 404 behind the group's checks
		}
		if _, ok := permissions[r.Method+" "+r.Path]; !ok {
			missing = append(missing, r.Method+" "+r.Path)
			continue
		}
		routes = append(routes, r)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a line in the permission table (add who may use them):\n  %s", strings.Join(missing, "\n  "))
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })

	for _, r := range routes {
		want := permissions[r.Method+" "+r.Path]
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			got := make([]byte, len(principals))
			var detail []string
			for i, who := range principals {
				status, location := a.ask(t, client, r, who, users, password)
				got[i] = classify(r.Method, status, location)
				detail = append(detail, who+"="+http.StatusText(status))
			}
			if string(got) != want {
				t.Errorf("got %s, want %s (%s; letters for %s)", got, want, strings.Join(detail, ", "), strings.Join(principals, ", "))
			}
		})
	}
}

// classify reads an answer as let in, sign in or refused.
func classify(method string, status int, location string) byte {
	switch {
	case status == http.StatusUnauthorized:
		return needsSignIn
	case status == http.StatusForbidden:
		return refused
	case method == http.MethodGet && status == http.StatusSeeOther && strings.HasPrefix(location, "/login"):
		return needsSignIn
	}
	return letIn
}

// ask sends one request to route as who and returns the status and Location.
func (a *servedApp) ask(t *testing.T, client *http.Client, r *echo.Route, who string, users map[string]crm.User, password string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var body io.Reader
	contentType := ""
	switch {
	case r.Method != http.MethodPost:
	case r.Path == "/login":
		// The right password: signing in is open to anyone who has one.
		body = strings.NewReader(url.Values{"username": {"receptionist"}, "password": {password}}.Encode())
		contentType = echo.MIMEApplicationForm
	case strings.HasPrefix(r.Path, "/api/"):
		body, contentType = strings.NewReader("{}"), echo.MIMEApplicationJSON
	default:
		body, contentType = strings.NewReader(""), echo.MIMEApplicationForm
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, a.URL+pathFor(r.Path), body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch who {
	case "nobody":
	case "token":
		req.Header.Set("Authorization", "Bearer "+a.token)
	default:
		// A fresh session for every request, so signing out in one test
		// doesn't end the next one's.
		sess, err := a.store.CreateSession(ctx, users[who].ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		req.AddCookie(&http.Cookie{Name: ui.SessionCookie, Value: sess.Token})
		req.Header.Set("X-CSRF-Token", sess.CSRF)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// An event stream that was let in stays open: its status is enough.
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}
