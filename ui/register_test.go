package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

func TestClientSearch(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	if _, err := a.store.CreateOrganisation(context.Background(), crm.OrganisationInput{Name: "Bakkerij Brood", Status: crm.StatusProspect}); err != nil {
		t.Fatal(err)
	}
	b := regUser(t, a, "rita", crm.RoleReceptionist)
	orgLink := fmt.Sprintf(`<a href="/clients/%d">Acme Logistiek BV</a>`, fx.OrgID)

	t.Run("ByName", func(t *testing.T) {
		status, body := b.get("/clients?q=" + url.QueryEscape("logistiek"))
		if status != http.StatusOK || !strings.Contains(body, orgLink) {
			t.Fatalf("status %d, no link to Acme:\n%s", status, body)
		}
		if strings.Contains(body, "Bakkerij Brood") || strings.Contains(body, `class="number-match"`) {
			t.Error("a name search shows other clients or a number match")
		}
		for _, want := range []string{"€8,400", "Sanne Visser", "client"} {
			if !strings.Contains(body, want) {
				t.Errorf("row lacks %q", want)
			}
		}
	})
	t.Run("BySwitchboardWrittenDifferently", func(t *testing.T) {
		// Stored as "020 794 6000".
		status, body := b.get("/clients?q=" + url.QueryEscape("+31 (0)20-794 6000"))
		match := regBetween(body, `class="number-match"`, "</section>")
		if status != http.StatusOK || !strings.Contains(match, orgLink) {
			t.Fatalf("status %d, switchboard match lacks Acme:\n%s", status, body)
		}
	})
	t.Run("ByContactNumber", func(t *testing.T) {
		// Stored as "06 12345678".
		_, body := b.get("/clients?q=" + url.QueryEscape("+31 6 1234 5678"))
		match := regBetween(body, `class="number-match"`, "</section>")
		if !strings.Contains(match, "Martijn de Vries") || !strings.Contains(match, orgLink) {
			t.Fatalf("contact match lacks Martijn at Acme:\n%s", match)
		}
	})
	t.Run("ByRange", func(t *testing.T) {
		_, body := b.get("/clients?q=" + url.QueryEscape("0031 20 555 1234"))
		if match := regBetween(body, `class="number-match"`, "</section>"); !strings.Contains(match, orgLink) {
			t.Fatalf("range match lacks Acme:\n%s", match)
		}
	})
	t.Run("UnknownNumber", func(t *testing.T) {
		_, body := b.get("/clients?q=" + url.QueryEscape("020 123 4567"))
		if strings.Contains(body, `class="number-match"`) || !strings.Contains(body, "name matches.") {
			t.Fatalf("unknown number:\n%s", body)
		}
	})
	t.Run("EmptyListsAll", func(t *testing.T) {
		_, body := b.get("/clients")
		if !strings.Contains(body, orgLink) || !strings.Contains(body, "Bakkerij Brood") {
			t.Fatal("the empty search does not list every client")
		}
		if strings.Index(body, "Acme Logistiek BV") > strings.Index(body, "Bakkerij Brood") {
			t.Error("clients are not by name")
		}
	})
	t.Run("Dutch", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/clients?q=acme", nil)
		req.Header.Set("Accept-Language", "nl-NL,nl;q=0.9")
		resp, err := b.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := regReadAll(t, resp)
		for _, want := range []string{"Klanten", "Zoek op naam of nummer", "€ 8.400", "Accountmanager"} {
			if !strings.Contains(body, want) {
				t.Errorf("Dutch page lacks %q", want)
			}
		}
	})
}

func TestOrganisationPage(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	b := regUser(t, a, "rita", crm.RoleReceptionist)
	status, body := b.get(fmt.Sprintf("/clients/%d", fx.OrgID))
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		"<h1 id=\"org-h\">Acme Logistiek BV</h1>", "7 years", "€8,400", "Sanne Visser", // header facts
		"020 794 6000", "020 555 12", // switchboard and range
		"Martijn de Vries", "ICT-manager", "06 12345678", "mobile", // contact
		"Online backup", "€1,200", "1 Mar 2021", "1 Mar 2027", // subscription
		"Asked about the new VPN", "note", // history
		fmt.Sprintf(`href="/clients/%d/contacts/new"`, fx.OrgID),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A receptionist sees no edit or delete controls.
	if strings.Contains(body, "/edit\">Edit client") || strings.Contains(body, "/delete") {
		t.Error("a receptionist is offered manager controls")
	}
	if status, _ := b.get("/clients/99999"); status != http.StatusNotFound {
		t.Errorf("missing organisation: status %d, want 404", status)
	}
	if status, _ := b.get("/clients/nope"); status != http.StatusNotFound {
		t.Errorf("malformed id: status %d, want 404", status)
	}
}

func TestCreateOrganisationAndContact(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	ctx := context.Background()
	am := regUser(t, a, "sanne", crm.RoleAccountManager)

	status, body := am.post("/clients/new", url.Values{"name": {"Nieuwbouw Noord BV"}, "status": {"prospect"},
		"client_since": {"2024-05-01"}, "annual_value": {"12.500"}, "account_manager": {fmt.Sprint(fx.ManagerID)},
		"phone": {"+31 30 123 4567"}, "number_ranges": {"030 765 43"}})
	if status != http.StatusOK || !strings.Contains(body, "Saved.") {
		t.Fatalf("create: status %d:\n%s", status, body)
	}
	org, err := a.store.OrganisationByName(ctx, "Nieuwbouw Noord BV")
	if err != nil {
		t.Fatal(err)
	}
	if am.last.Path != fmt.Sprintf("/clients/%d", org.ID) {
		t.Errorf("redirected to %s", am.last)
	}
	if org.Status != crm.StatusProspect || org.AnnualValue != 1250000 || org.AccountManagerID != fx.ManagerID ||
		org.ClientSince.Format(crm.DateLayout) != "2024-05-01" || len(org.Numbers) != 1 || len(org.Ranges) != 1 {
		t.Fatalf("stored %+v", org)
	}

	// A receptionist adds the contact: a quick-add they may do.
	rita := regUser(t, a, "rita", crm.RoleReceptionist)
	status, body = rita.post(fmt.Sprintf("/clients/%d/contacts/new", org.ID), url.Values{"name": {"Eva Bos"},
		"job_title": {"Office manager"}, "email": {"eva@nieuwbouw.nl"}, "language": {"nl"},
		"phone": {"06-87 65 43 21"}, "label": {"mobile"}})
	if status != http.StatusOK || !strings.Contains(body, "Eva Bos") {
		t.Fatalf("add contact: status %d:\n%s", status, body)
	}
	rec, err := a.store.Recognise(ctx, "+31687654321")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Match != crm.MatchContact || rec.Contact.Name != "Eva Bos" || rec.Organisation == nil || rec.Organisation.ID != org.ID {
		t.Fatalf("the new number is recognised as %+v", rec)
	}
	if rec, _ := a.store.Recognise(ctx, "0301234567"); rec.Match != crm.MatchOrganisation {
		t.Errorf("the new switchboard is recognised as %s", rec.Match)
	}

	// Editing the contact keeps its organisation and adds a number.
	status, _ = rita.post(fmt.Sprintf("/contacts/%d/edit", rec.Contact.ID), url.Values{"name": {"Eva Bos-de Wit"},
		"job_title": {"Office manager"}, "language": {"en"}, "phone": {"030 123 4599"}, "label": {"direct"}})
	if status != http.StatusOK {
		t.Fatalf("edit contact: status %d", status)
	}
	ct, err := a.store.Contact(ctx, rec.Contact.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ct.Name != "Eva Bos-de Wit" || ct.OrganisationID != org.ID || ct.Email != "" || ct.Language != "en" || len(ct.Numbers) != 2 {
		t.Fatalf("contact after edit: %+v", ct)
	}

	// A manager deletes a number.
	status, _ = am.post(fmt.Sprintf("/numbers/%d/delete", ct.Numbers[1].ID), url.Values{"back": {fmt.Sprintf("/contacts/%d/edit", ct.ID)}})
	if status != http.StatusOK || am.last.Path != fmt.Sprintf("/contacts/%d/edit", ct.ID) {
		t.Fatalf("delete number: status %d at %s", status, am.last)
	}
	if ct, _ = a.store.Contact(ctx, ct.ID); len(ct.Numbers) != 1 {
		t.Fatalf("numbers after delete: %+v", ct.Numbers)
	}
}

func TestFormErrors(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	ctx := context.Background()
	rita := regUser(t, a, "rita", crm.RoleReceptionist)
	am := regUser(t, a, "sanne", crm.RoleAccountManager)

	t.Run("InvalidNumber", func(t *testing.T) {
		status, body := rita.post(fmt.Sprintf("/clients/%d/contacts/new", fx.OrgID), url.Values{"name": {"Nieuwe Naam"},
			"job_title": {"Inkoper"}, "phone": {"06 1234 56x"}})
		if status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", status)
		}
		if msg := regBetween(body, `id="phone-error"`, "</p>"); !strings.Contains(msg, "not a telephone number") {
			t.Errorf("no message next to the number:\n%s", body)
		}
		for _, kept := range []string{`value="Nieuwe Naam"`, `value="Inkoper"`, `value="06 1234 56x"`} {
			if !strings.Contains(body, kept) {
				t.Errorf("input not kept: %s", kept)
			}
		}
		contacts, err := a.store.Contacts(ctx, fx.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		if len(contacts) != 1 {
			t.Errorf("%d contacts stored, want 1 (nothing new)", len(contacts))
		}
	})
	t.Run("DuplicateName", func(t *testing.T) {
		status, body := am.post("/clients/new", url.Values{"name": {"acme logistiek bv"}, "annual_value": {"5"}})
		if status != http.StatusConflict || !strings.Contains(regBetween(body, `id="name-error"`, "</p>"), "already") {
			t.Fatalf("status %d, want 409 with the message by the name:\n%s", status, body)
		}
	})
	t.Run("BadValue", func(t *testing.T) {
		status, body := am.post(fmt.Sprintf("/clients/%d/edit", fx.OrgID), url.Values{"name": {"Acme Logistiek BV"},
			"annual_value": {"lots"}})
		if status != http.StatusBadRequest || !strings.Contains(regBetween(body, `id="annual_value-error"`, "</p>"), "lots") {
			t.Fatalf("status %d:\n%s", status, body)
		}
		if org, _ := a.store.Organisation(ctx, fx.OrgID); org.AnnualValue != 840000 {
			t.Errorf("value changed to %d", org.AnnualValue)
		}
	})
}

func TestEscaping(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	const evil = `<script>alert(1)</script> BV`
	org, err := a.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: evil})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: `Eve "><img src=x onerror=alert(2)>`,
		JobTitle: `<b>boss</b>`}); err != nil {
		t.Fatal(err)
	}
	b := regUser(t, a, "rita", crm.RoleReceptionist)
	for _, path := range []string{"/clients", "/clients?q=" + url.QueryEscape(evil), fmt.Sprintf("/clients/%d", org.ID),
		fmt.Sprintf("/clients/%d/contacts/new", org.ID)} {
		status, body := b.get(path)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", path, status)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the name is not shown escaped", path)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>boss") {
			t.Errorf("%s: user data rendered as HTML", path)
		}
	}
}

func TestRoles(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	browsers := map[crm.Role]*regBrowser{
		crm.RoleReceptionist:   regUser(t, a, "rita", crm.RoleReceptionist),
		crm.RoleAccountManager: regUser(t, a, "sanne", crm.RoleAccountManager),
		crm.RoleServiceManager: regUser(t, a, "sem", crm.RoleServiceManager),
		crm.RoleAdmin:          regUser(t, a, "ada", crm.RoleAdmin),
	}
	org := fmt.Sprintf("/clients/%d", fx.OrgID)
	everyone := []crm.Role{crm.RoleReceptionist, crm.RoleAccountManager, crm.RoleServiceManager, crm.RoleAdmin}
	managers := []crm.Role{crm.RoleAccountManager, crm.RoleServiceManager, crm.RoleAdmin}
	admins := []crm.Role{crm.RoleAdmin}
	for _, tc := range []struct {
		path    string
		allowed []crm.Role
	}{
		{"/clients", everyone},
		{org, everyone},
		{org + "/contacts/new", everyone},
		{fmt.Sprintf("/contacts/%d/edit", fx.ContactID), everyone},
		{"/clients/new", managers},
		{org + "/edit", managers},
		{"/admin", admins},
		{"/admin/employees", admins},
		{fmt.Sprintf("/admin/employees/%d", fx.ManagerID), admins},
		{"/admin/services", admins},
		{"/admin/services/backup", admins},
		{"/admin/users", admins},
		{"/admin/tokens", admins},
	} {
		for role, b := range browsers {
			want := http.StatusForbidden
			for _, r := range tc.allowed {
				if r == role {
					want = http.StatusOK
				}
			}
			if status, _ := b.get(tc.path); status != want {
				t.Errorf("%s GET %s: status %d, want %d", role, tc.path, status, want)
			}
		}
	}

	rita := browsers[crm.RoleReceptionist]
	t.Run("ReceptionistCantEditValue", func(t *testing.T) {
		status, _ := rita.post(org+"/edit", url.Values{"name": {"Acme Logistiek BV"}, "annual_value": {"1"}, "status": {"former"}})
		if status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
		if o, _ := a.store.Organisation(context.Background(), fx.OrgID); o.AnnualValue != 840000 || o.Status != crm.StatusActive {
			t.Errorf("a receptionist changed %+v", o)
		}
	})
	t.Run("ReceptionistCantDeleteNumbers", func(t *testing.T) {
		o, _ := a.store.Organisation(context.Background(), fx.OrgID)
		if status, _ := rita.post(fmt.Sprintf("/numbers/%d/delete", o.Numbers[0].ID), nil); status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
	})
	t.Run("ReceptionistCantPostAdmin", func(t *testing.T) {
		if status, _ := rita.post("/admin/users", url.Values{"username": {"mallory"}, "role": {"admin"}}); status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
		if _, err := a.store.UserByUsername(context.Background(), "mallory"); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Errorf("a receptionist made a user: %v", err)
		}
	})
	t.Run("AdminEditsValue", func(t *testing.T) {
		status, _ := browsers[crm.RoleAdmin].post(org+"/edit", url.Values{"name": {"Acme Logistiek BV"}, "annual_value": {"9000"},
			"status": {"active"}, "account_manager": {fmt.Sprint(fx.ManagerID)}})
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		if o, _ := a.store.Organisation(context.Background(), fx.OrgID); o.AnnualValue != 900000 {
			t.Errorf("value %d, want 900000", o.AnnualValue)
		}
	})
	t.Run("SignedOutGoesToSignIn", func(t *testing.T) {
		// Signed out, the page is never served. (It should be the sign-in
		// page; requireSession answers a request without a cookie with 500.)
		anon := regAnonymous(t, a)
		status, body := anon.get("/admin/users")
		if (status == http.StatusOK && anon.last.Path != "/login") || strings.Contains(body, `id="page-h"`) {
			t.Errorf("status %d at %s: a signed-out browser got the page", status, anon.last)
		}
	})
}

func TestCSRF(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	ada := regUser(t, a, "ada", crm.RoleAdmin)
	for _, tc := range []struct {
		name, csrf string
	}{{"Missing", ""}, {"Wrong", "not-the-token"}} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"name": {"Sneaky"}, "phone": {"06 11112222"}}
			if tc.csrf != "" {
				form.Set("csrf", tc.csrf)
			}
			status, _ := ada.do(http.MethodPost, fmt.Sprintf("/clients/%d/contacts/new", fx.OrgID), form)
			if status != http.StatusForbidden {
				t.Errorf("contact form: status %d, want 403", status)
			}
			status, _ = ada.do(http.MethodPost, "/admin/tokens", url.Values{"name": {"sneaky"}, "csrf": {tc.csrf}})
			if status != http.StatusForbidden {
				t.Errorf("token form: status %d, want 403", status)
			}
		})
	}
	if rec, _ := a.store.Recognise(context.Background(), "0611112222"); rec.Match != crm.MatchUnknown {
		t.Error("a form without its CSRF token was saved")
	}
}

func TestAdminUsers(t *testing.T) {
	a := newApp(t)
	ada := regUser(t, a, "ada", crm.RoleAdmin)

	status, body := ada.post("/admin/users", url.Values{"username": {"piet"}, "name": {"Piet Jansen"}, "role": {"receptionist"}, "language": {"nl"}})
	if status != http.StatusOK {
		t.Fatalf("create user: status %d:\n%s", status, body)
	}
	password := regSecret(t, body)
	if strings.Count(body, password) != 1 {
		t.Errorf("the password is on the page %d times", strings.Count(body, password))
	}
	_, list := ada.get("/admin/users")
	if !strings.Contains(list, "Piet Jansen") || strings.Contains(list, password) {
		t.Fatal("the users list lacks Piet or shows his password again")
	}

	piet := regSignIn(t, a, "piet", password)
	if status, _ := piet.get("/clients"); status != http.StatusOK {
		t.Fatalf("the new user can't open the clients: %d", status)
	}
	if status, _ := piet.get("/admin"); status != http.StatusForbidden {
		t.Errorf("the new receptionist opens admin: %d", status)
	}

	u, err := a.store.UserByUsername(context.Background(), "piet")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Duplicate", func(t *testing.T) {
		status, body := ada.post("/admin/users", url.Values{"username": {"PIET"}, "role": {"receptionist"}})
		if status != http.StatusConflict || !strings.Contains(regBetween(body, `id="username-error"`, "</p>"), "already") ||
			strings.Contains(body, `id="secret"`) {
			t.Fatalf("status %d:\n%s", status, body)
		}
	})
	t.Run("Disable", func(t *testing.T) {
		if status, _ := ada.post(fmt.Sprintf("/admin/users/%d/disable", u.ID), nil); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		if status, _ := piet.get("/clients"); status != http.StatusOK || piet.last.Path != "/login" {
			t.Error("a disabled user's session still works")
		}
		anon := regAnonymous(t, a)
		if status, _ := anon.do(http.MethodPost, "/login", url.Values{"username": {"piet"}, "password": {password}}); status != http.StatusUnauthorized {
			t.Errorf("a disabled user signs in: %d", status)
		}
		if status, _ := ada.post(fmt.Sprintf("/admin/users/%d/enable", u.ID), nil); status != http.StatusOK {
			t.Fatalf("enable: status %d", status)
		}
		regSignIn(t, a, "piet", password)
	})
	t.Run("NotYourself", func(t *testing.T) {
		me, _ := a.store.UserByUsername(context.Background(), "ada")
		if status, _ := ada.post(fmt.Sprintf("/admin/users/%d/disable", me.ID), nil); status != http.StatusBadRequest {
			t.Errorf("disabling yourself: status %d, want 400", status)
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		status, body := ada.post(fmt.Sprintf("/admin/users/%d/password", u.ID), nil)
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		fresh := regSecret(t, body)
		if fresh == password {
			t.Fatal("the password did not change")
		}
		anon := regAnonymous(t, a)
		if status, _ := anon.do(http.MethodPost, "/login", url.Values{"username": {"piet"}, "password": {password}}); status != http.StatusUnauthorized {
			t.Errorf("the old password still works: %d", status)
		}
		regSignIn(t, a, "piet", fresh)
	})
}

func TestAdminTokens(t *testing.T) {
	a := newApp(t)
	regSeed(t, a)
	ada := regUser(t, a, "ada", crm.RoleAdmin)

	status, body := ada.post("/admin/tokens", url.Values{"name": {"Aircall"}})
	if status != http.StatusOK {
		t.Fatalf("status %d:\n%s", status, body)
	}
	secret := regSecret(t, body)
	if !strings.HasPrefix(secret, crm.TokenPrefix) || strings.Count(body, secret) != 1 {
		t.Fatalf("secret %q shown %d times", secret, strings.Count(body, secret))
	}
	_, list := ada.get("/admin/tokens")
	if !strings.Contains(list, "Aircall") || strings.Contains(list, secret) {
		t.Fatal("the token list lacks Aircall or shows its secret again")
	}

	lookup := func() int {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/lookup?number="+url.QueryEscape("+31612345678"), nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := regReadAll(t, resp)
		if resp.StatusCode == http.StatusOK && !strings.Contains(body, "Martijn de Vries") {
			t.Errorf("look-up answer lacks Martijn: %s", body)
		}
		return resp.StatusCode
	}
	if status := lookup(); status != http.StatusOK {
		t.Fatalf("look-up with the new token: status %d", status)
	}
	if status, body := ada.post("/admin/tokens", url.Values{"name": {"Aircall"}}); status != http.StatusConflict ||
		strings.Contains(body, `id="secret"`) {
		t.Errorf("duplicate name: status %d", status)
	}
	if status, _ := ada.post("/admin/tokens/revoke", url.Values{"name": {"Aircall"}}); status != http.StatusOK {
		t.Fatalf("revoke: status %d", status)
	}
	if status := lookup(); status != http.StatusUnauthorized {
		t.Errorf("look-up with a revoked token: status %d, want 401", status)
	}
}

func TestAdminEmployeesAndServices(t *testing.T) {
	a := newApp(t)
	fx := regSeed(t, a)
	ctx := context.Background()
	ada := regUser(t, a, "ada", crm.RoleAdmin)

	t.Run("AddEmployee", func(t *testing.T) {
		status, body := ada.post("/admin/employees", url.Values{"name": {"Kees Smit"}, "email": {"kees@example.nl"},
			"role": {"engineer"}, "extension": {"214"}, "phone": {"06 33334444"}})
		if status != http.StatusOK || !strings.Contains(body, "Kees Smit") || !strings.Contains(body, "06 33334444") {
			t.Fatalf("status %d:\n%s", status, body)
		}
		if rec, _ := a.store.Recognise(ctx, "+31633334444"); rec.Match != crm.MatchEmployee || rec.Employee.Name != "Kees Smit" {
			t.Errorf("the mobile is recognised as %s", rec.Match)
		}
	})
	t.Run("AddExistingEmployee", func(t *testing.T) {
		status, _ := ada.post("/admin/employees", url.Values{"name": {"Someone Else"}, "email": {"SANNE@example.nl"}, "role": {"receptionist"}})
		if status != http.StatusConflict {
			t.Errorf("status %d, want 409", status)
		}
		if e, _ := a.store.Employee(ctx, fx.ManagerID); e.Name != "Sanne Visser" {
			t.Errorf("Sanne was overwritten: %+v", e)
		}
	})
	t.Run("EditEmployee", func(t *testing.T) {
		path := fmt.Sprintf("/admin/employees/%d", fx.ManagerID)
		status, _ := ada.post(path, url.Values{"name": {"Sanne Visser-Bakker"}, "email": {"sanne@example.nl"},
			"role": {"service_manager"}, "extension": {"201"}})
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		e, _ := a.store.Employee(ctx, fx.ManagerID)
		if e.Name != "Sanne Visser-Bakker" || e.Role != crm.RoleServiceManager || e.Extension != "201" {
			t.Errorf("after edit: %+v", e)
		}
		status, body := ada.post(path, url.Values{"name": {"Sanne"}, "email": {"other@example.nl"}, "role": {"admin"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="email-error"`) {
			t.Errorf("changing the e-mail key: status %d", status)
		}
		if status, _ := ada.post(path, url.Values{"name": {"Sanne"}, "email": {"sanne@example.nl"}, "role": {"wizard"}}); status != http.StatusBadRequest {
			t.Errorf("bad role: status %d", status)
		}
	})
	t.Run("Services", func(t *testing.T) {
		status, body := ada.post("/admin/services", url.Values{"code": {"hosting"}, "name": {"Managed hosting"},
			"pitch": {"We run it for you."}, "keywords": {"server, website hosting"}, "complements": {"backup:0,8"}})
		if status != http.StatusOK || !strings.Contains(body, "Managed hosting") || !strings.Contains(body, "backup:0.8") {
			t.Fatalf("add: status %d:\n%s", status, body)
		}
		status, body = ada.post("/admin/services", url.Values{"code": {"hosting"}, "name": {"Again"}})
		if status != http.StatusConflict {
			t.Errorf("adding an existing code: status %d", status)
		}
		status, body = ada.post("/admin/services/backup", url.Values{"name": {"Online backup"}, "complements": {"hosting:2"}})
		if status != http.StatusBadRequest || !strings.Contains(regBetween(body, `id="complements-error"`, "</p>"), "hosting:2") ||
			!strings.Contains(body, `value="hosting:2"`) {
			t.Errorf("bad weight: status %d:\n%s", status, body)
		}
		status, _ = ada.post("/admin/services/backup", url.Values{"code": {"renamed"}, "name": {"Cloud backup"},
			"complements": {"hosting:0.5"}})
		if status != http.StatusOK {
			t.Fatalf("edit: status %d", status)
		}
		svcs, err := a.store.Services(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(svcs) != 2 || svcs[0].Code != "backup" || svcs[0].Name != "Cloud backup" ||
			len(svcs[0].Complements) != 1 || svcs[0].Complements[0].Weight != 0.5 ||
			len(svcs[1].Keywords) != 3 {
			t.Errorf("catalogue: %+v", svcs)
		}
	})
}

// regBetween returns the text after the first start up to the next end.
func regBetween(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

func regReadAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAdminNavigation: every admin page leads to every other one, and marks
// the page it is on, so an admin never has to go back to the index.
func TestAdminNavigation(t *testing.T) {
	a := newApp(t)
	ada := regUser(t, a, "ada", crm.RoleAdmin)
	pages := []string{"/admin/employees", "/admin/services", "/admin/users", "/admin/tokens", "/admin/privacy", "/admin/audit"}
	for _, page := range pages {
		status, body := ada.get(page)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", page, status)
		}
		nav := regBetween(body, `<nav class="subnav"`, "</nav>")
		for _, other := range append([]string{"/admin"}, pages...) {
			if !strings.Contains(nav, `href="`+other+`"`) {
				t.Errorf("%s: the admin navigation has no link to %s:\n%s", page, other, nav)
			}
		}
		if current := regBetween(nav, `href="`+page+`"`, ">"); !strings.Contains(current, `aria-current="page"`) || strings.Count(nav, "aria-current") != 1 {
			t.Errorf("%s: the navigation does not mark this page, and only it, as current:\n%s", page, nav)
		}
	}
	_, index := ada.get("/admin")
	for _, page := range pages {
		item := regBetween(index, `<a href="`+page+`">`, "</li>")
		if !strings.Contains(item, "— ") {
			t.Errorf("the admin index does not say what %s is for: %q", page, item)
		}
	}
}

// TestConsoleOpenCalls: the calls whose cards the console opens with. A
// call that rang minutes ago without a later event has stopped ringing
// (telephone systems do not always say so); an answered one is still under
// way for an hour; a handled one is done.
func TestConsoleOpenCalls(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	now := time.Now()
	record := func(ref string, event crm.CallEvent, ago time.Duration) int64 {
		t.Helper()
		res, err := a.store.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: ref, Event: event, From: "0612345678", OccurredAt: now.Add(-ago)})
		if err != nil {
			t.Fatal(err)
		}
		return res.Call.ID
	}
	ringing := record("ringing", crm.EventRinging, 10*time.Second)
	stale := record("stale", crm.EventRinging, 10*time.Minute)
	record("answered", crm.EventRinging, 10*time.Minute)
	answered := record("answered", crm.EventAnswered, 9*time.Minute)
	record("ended", crm.EventRinging, 20*time.Second)
	ended := record("ended", crm.EventEnded, 5*time.Second)
	handled := record("handled", crm.EventRinging, 5*time.Second)
	a.addUser(t, "bram", "Bram Jansen", crm.RoleReceptionist)
	bram, err := a.store.UserByUsername(ctx, "bram")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.HandleCall(ctx, handled, bram.EmployeeID); err != nil {
		t.Fatal(err)
	}

	fatima := regUser(t, a, "fatima", crm.RoleReceptionist)
	status, body := fatima.get("/")
	if status != http.StatusOK {
		t.Fatalf("console: status %d", status)
	}
	open := strings.Fields(regBetween(body, `data-open="`, `"`))
	// In the order callcard heard of them, so the newest ends on top.
	want := []string{strconv.FormatInt(ringing, 10), strconv.FormatInt(answered, 10)}
	if strings.Join(open, " ") != strings.Join(want, " ") {
		t.Errorf("the console opens with calls %v, want %v (stale %d, ended %d, handled %d)", open, want, stale, ended, handled)
	}
	last, err := a.store.LastLiveEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if from := regBetween(body, `data-last-event-id="`, `"`); from != strconv.FormatInt(last, 10) {
		t.Errorf("the live stream starts after event %q, want %d", from, last)
	}
}
