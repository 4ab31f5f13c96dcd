package ui_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// regBrowser is a browser without script for the register's pages: a cookie
// jar that follows redirects, and the session's CSRF token for forms.
type regBrowser struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
	// last is the URL of the last response, after redirects.
	last *url.URL
}

const regPassword = "register test password"

// regUser adds a console user with role and signs a new browser in as them.
func regUser(t *testing.T, a *app, username string, role crm.Role) *regBrowser {
	t.Helper()
	if _, err := a.store.CreateUser(context.Background(), crm.UserInput{Username: username, Password: regPassword, Role: role}); err != nil {
		t.Fatal(err)
	}
	return regSignIn(t, a, username, regPassword)
}

// regSignIn signs a new browser in through the sign-in form.
func regSignIn(t *testing.T, a *app, username, password string) *regBrowser {
	t.Helper()
	b := regAnonymous(t, a)
	status, _ := b.do(http.MethodPost, "/login", url.Values{"username": {username}, "password": {password}})
	if status != http.StatusOK {
		t.Fatalf("signing in as %s: status %d", username, status)
	}
	_, body := b.get("/clients")
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("signing in as %s: no CSRF token on /clients", username)
	}
	b.csrf = html.UnescapeString(m[1])
	return b
}

// regAnonymous is a browser that has not signed in.
func regAnonymous(t *testing.T, a *app) *regBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &regBrowser{t: t, base: a.URL, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

func (b *regBrowser) get(path string) (int, string) {
	b.t.Helper()
	return b.do(http.MethodGet, path, nil)
}

// post submits a form with the session's CSRF token, as the pages' forms do.
func (b *regBrowser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	f := url.Values{"csrf": {b.csrf}}
	for k, v := range form {
		f[k] = v
	}
	return b.do(http.MethodPost, path, f)
}

func (b *regBrowser) do(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	b.last = resp.Request.URL
	return resp.StatusCode, string(out)
}

// regFixture is what regSeed puts in the register.
type regFixture struct {
	OrgID, ContactID, ManagerID int64
}

// regSeed registers Acme with a switchboard and a direct-dial range, Martijn
// with his mobile, Sanne as account manager, a service held and a note.
func regSeed(t *testing.T, a *app) regFixture {
	t.Helper()
	ctx := context.Background()
	am, err := a.store.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Email: "sanne@example.nl",
		Role: crm.RoleAccountManager})
	if err != nil {
		t.Fatal(err)
	}
	org, err := a.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme Logistiek BV", AccountManagerID: am.ID,
		ClientSince: time.Now().AddDate(-7, -2, 0), AnnualValue: 840000,
		Numbers: []crm.NumberInput{{Raw: "020 794 6000"}}, Ranges: []string{"020 555 12"}})
	if err != nil {
		t.Fatal(err)
	}
	ct, err := a.store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Martijn de Vries",
		JobTitle: "ICT-manager", Numbers: []crm.NumberInput{{Raw: "06 12345678"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.SaveServices(ctx, []crm.ServiceInput{{Code: "backup", Name: "Online backup", Pitch: "Your files, safe."}}); err != nil {
		t.Fatal(err)
	}
	if err := a.store.SaveSubscription(ctx, crm.SubscriptionInput{OrganisationID: org.ID, ServiceCode: "backup",
		Since: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), AnnualValue: 120000,
		RenewalDate: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.AddInteraction(ctx, crm.InteractionInput{OrganisationID: org.ID, ContactID: ct.ID,
		Kind: crm.KindNote, Summary: "Asked about the new VPN"}); err != nil {
		t.Fatal(err)
	}
	return regFixture{OrgID: org.ID, ContactID: ct.ID, ManagerID: am.ID}
}

// regSecret reads the one-time secret off the page that shows it.
func regSecret(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<input id="secret"[^>]* value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no secret on the page:\n%s", body)
	}
	return html.UnescapeString(m[1])
}
