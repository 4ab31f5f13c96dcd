package ui_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/callcard/callcard/crm"
)

// session is a signed-in browser for tests: its cookie and CSRF token.
type session struct {
	cookie *http.Cookie
	csrf   string
}

func newSession(t *testing.T, a *servedApp, userID int64) session {
	t.Helper()
	s, err := a.store.CreateSession(context.Background(), userID, 3600e9)
	if err != nil {
		t.Fatal(err)
	}
	return session{cookie: &http.Cookie{Name: "callcard_session", Value: s.Token}, csrf: s.CSRF}
}

// send makes a request as the session (with its CSRF token on a POST) and
// returns the status, the Location, the body and the headers.
func (s session) send(t *testing.T, a *servedApp, method, path string, form url.Values, lang string) (int, string, string, http.Header) {
	t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", s.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, a.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	req.AddCookie(s.cookie)
	resp, err := noRedirects(&http.Client{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(out), resp.Header
}

// auditActions lists the audit log's actions, newest first.
func auditActions(t *testing.T, a *servedApp) []crm.AuditEntry {
	t.Helper()
	log, err := a.store.AuditLog(context.Background(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// TestCardOpeningAudited: a caller card opened on the console or through
// the API leaves an entry saying who opened which call's card.
func TestCardOpeningAudited(t *testing.T) {
	a := newServedApp(t, servedOptions{})
	ctx := context.Background()
	(&app{Server: a.Server, store: a.store, token: a.token}).seedClient(t)
	(&app{Server: a.Server, store: a.store, token: a.token}).ring(t, "c1", "06 12345678")
	call, err := a.store.CallByRef(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	anna, err := a.store.CreateUser(ctx, crm.UserInput{Username: "anna", Password: "correct horse battery", Role: crm.RoleReceptionist})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Console", func(t *testing.T) {
		status, _, body, _ := newSession(t, a, anna.ID).send(t, a, http.MethodGet, "/console/cards/"+strconv.FormatInt(call.ID, 10), nil, "")
		if status != http.StatusOK || !strings.Contains(body, "Martijn de Vries") {
			t.Fatalf("card: %d", status)
		}
		e := auditActions(t, a)[0]
		if e.Action != crm.AuditCardOpened || e.UserID != anna.ID || e.SubjectKind != "call" || e.SubjectID != call.ID {
			t.Fatalf("audit entry = %+v", e)
		}
	})
	t.Run("APIToken", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/calls/c1/card", nil)
		req.Header.Set("Authorization", "Bearer "+a.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("API card: %s", resp.Status)
		}
		e := auditActions(t, a)[0]
		if e.Action != crm.AuditCardOpened || e.Actor != "token pbx" || e.UserID != 0 || e.SubjectID != call.ID {
			t.Fatalf("audit entry = %+v", e)
		}
	})
	t.Run("APISession", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/calls/c1/card", nil)
		req.AddCookie(newSession(t, a, anna.ID).cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if e := auditActions(t, a)[0]; resp.StatusCode != http.StatusOK || e.UserID != anna.ID || e.Action != crm.AuditCardOpened {
			t.Fatalf("%s; audit entry = %+v", resp.Status, e)
		}
	})
	t.Run("NothingPersonalInTheLog", func(t *testing.T) {
		for _, e := range auditActions(t, a) {
			if strings.Contains(e.Detail+e.Actor, "Martijn") || strings.Contains(e.Detail+e.Actor, "12345678") {
				t.Fatalf("audit entry with personal data: %+v", e)
			}
		}
	})
}

// TestPrivacyPages walks an admin through finding a person, downloading
// their data and erasing them, with the confirmation step.
func TestPrivacyPages(t *testing.T) {
	a := newServedApp(t, servedOptions{})
	ctx := context.Background()
	(&app{Server: a.Server, store: a.store, token: a.token}).seedClient(t)
	(&app{Server: a.Server, store: a.store, token: a.token}).ring(t, "c1", "06 12345678")
	root, err := a.store.CreateUser(ctx, crm.UserInput{Username: "root", Password: "correct horse battery", Role: crm.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.store.Recognise(ctx, "06 12345678")
	if err != nil || r.Contact == nil {
		t.Fatalf("seed: %v %+v", err, r)
	}
	id := strconv.FormatInt(r.Contact.ID, 10)
	admin := newSession(t, a, root.ID)

	t.Run("FindByNumber", func(t *testing.T) {
		status, loc, _, _ := admin.send(t, a, http.MethodGet, "/admin/privacy?q="+url.QueryEscape("+31 6 1234 5678"), nil, "")
		if status != http.StatusSeeOther || loc != "/admin/contacts/"+id+"/privacy" {
			t.Fatalf("find: %d %q", status, loc)
		}
		status, _, body, _ := admin.send(t, a, http.MethodGet, "/admin/privacy?q="+url.QueryEscape("020 555 0000"), nil, "")
		if status != http.StatusOK || !strings.Contains(body, "No person in the register uses that number") {
			t.Fatalf("find nobody: %d", status)
		}
	})
	t.Run("Page", func(t *testing.T) {
		status, _, body, _ := admin.send(t, a, http.MethodGet, "/admin/contacts/"+id+"/privacy", nil, "nl")
		if status != http.StatusOK || !strings.Contains(body, "Martijn de Vries") || !strings.Contains(body, "Gesprekken van deze persoon: 1") {
			t.Fatalf("privacy page: %d\n%s", status, body)
		}
		if strings.Contains(body, `name="confirm"`) {
			t.Fatal("the erase form shows before the confirmation step")
		}
		status, _, body, _ = admin.send(t, a, http.MethodGet, "/admin/contacts/"+id+"/privacy?confirm=1", nil, "")
		if status != http.StatusOK || !strings.Contains(body, `name="confirm"`) || !strings.Contains(body, "be undone") {
			t.Fatalf("confirmation step: %d", status)
		}
	})
	t.Run("Export", func(t *testing.T) {
		status, _, body, h := admin.send(t, a, http.MethodGet, "/admin/contacts/"+id+"/export", nil, "")
		if status != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export: %d %v", status, h)
		}
		var sa crm.SubjectAccess
		if err := json.Unmarshal([]byte(body), &sa); err != nil || sa.Contact.Name != "Martijn de Vries" || len(sa.Calls) != 1 {
			t.Fatalf("export: %v %+v", err, sa)
		}
		if e := auditActions(t, a)[0]; e.Action != crm.AuditContactExported || e.UserID != root.ID {
			t.Fatalf("audit entry = %+v", e)
		}
	})
	t.Run("EraseNeedsConfirmation", func(t *testing.T) {
		status, _, _, _ := admin.send(t, a, http.MethodPost, "/admin/contacts/"+id+"/erase", url.Values{}, "")
		if status != http.StatusBadRequest {
			t.Fatalf("erase without confirmation: %d, want 400", status)
		}
		if _, err := a.store.Contact(ctx, r.Contact.ID); err != nil {
			t.Fatalf("erased without confirmation: %v", err)
		}
	})
	t.Run("EraseNeedsCSRF", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, a.URL+"/admin/contacts/"+id+"/erase", strings.NewReader("confirm=yes"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(admin.cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("erase without CSRF token: %s, want 403", resp.Status)
		}
	})
	t.Run("Erase", func(t *testing.T) {
		status, loc, _, _ := admin.send(t, a, http.MethodPost, "/admin/contacts/"+id+"/erase", url.Values{"confirm": {"yes"}}, "")
		if status != http.StatusSeeOther || loc != "/admin/audit?erased="+id {
			t.Fatalf("erase: %d %q", status, loc)
		}
		if r, _ := a.store.Recognise(ctx, "06 12345678"); r.Match != crm.MatchUnknown {
			t.Fatalf("after erasure: %s", r.Match)
		}
		status, _, body, _ := admin.send(t, a, http.MethodGet, loc, nil, "")
		if status != http.StatusOK || !strings.Contains(body, "Contact #"+id+" has been erased") ||
			!strings.Contains(body, "erased a person") || strings.Contains(body, "Martijn") {
			t.Fatalf("audit page: %d\n%s", status, body)
		}
		status, _, body, _ = admin.send(t, a, http.MethodGet, "/admin/audit", nil, "nl")
		if status != http.StatusOK || !strings.Contains(body, "wiste een persoon") {
			t.Fatalf("Dutch audit page: %d", status)
		}
	})
}
