package ui_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// insUser adds a console user linked to the employee named name (made if
// there is none) and signs a browser in as them; it returns the browser and
// the employee's id.
func insUser(t *testing.T, a *app, username, name string, role crm.Role) (*regBrowser, int64) {
	t.Helper()
	u, err := a.store.CreateUser(context.Background(), crm.UserInput{Username: username, Name: name, Password: regPassword, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	if u.EmployeeID == 0 {
		t.Fatalf("%s is linked to no employee", username)
	}
	return regSignIn(t, a, username, regPassword), u.EmployeeID
}

// insAcme is the organisation seedClient registers.
func insAcme(t *testing.T, a *app) crm.Organisation {
	t.Helper()
	org, err := a.store.OrganisationByName(context.Background(), "Acme Logistiek BV")
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// insMust is for set-up steps that can't fail: an error stops the test.
func insMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// insFigure reads the text of the element marked data-figure="name".
func insFigure(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`data-figure="` + name + `">([^<]*)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no figure %q on the page", name)
	}
	return strings.TrimSpace(m[1])
}

func insToday(t *testing.T) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no time zone database")
	}
	return time.Now().In(loc)
}

func TestDashboard(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.seedClient(t)
	org := insAcme(t, a)
	sanne, sanneID := insUser(t, a, "sanne", "Sanne Visser", crm.RoleAccountManager)
	_, ritaID := insUser(t, a, "rita", "Rita Jansen", crm.RoleReceptionist)
	if err := a.store.SaveServices(ctx, []crm.ServiceInput{{Code: "backup", Name: "Online backup"}}); err != nil {
		t.Fatal(err)
	}

	// Five calls: Martijn twice and Sanne's mobile are recognised, one
	// number is unknown, one withheld: 3 of 4 recognisable callers, 75%.
	a.ring(t, "c1", "06 12345678")
	a.ring(t, "c2", "06 12345678")
	a.ring(t, "c3", "06 23456789")
	a.ring(t, "c4", "020 123 4567")
	a.ring(t, "c5", "anonymous")

	// Hints: shown then mentioned in one call (one occasion, mentioned),
	// shown only in another, interested in a third: 3 shown, 2 mentioned,
	// 1 interested; the lead that opened is won for €1,200 a year.
	for _, h := range []struct {
		call    string
		outcome crm.HintOutcome
	}{{"c1", crm.HintShown}, {"c1", crm.HintMentioned}, {"c2", crm.HintShown}, {"c3", crm.HintInterested}} {
		insMust(a.store.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: org.ID, ServiceCode: "backup",
			Outcome: h.outcome, AuthorID: ritaID, CallID: h.call}))
	}
	work := insMust(a.store.OpenWork(ctx, sanneID))
	if len(work) != 1 || work[0].Kind != crm.KindLead {
		t.Fatalf("Sanne's work = %+v, want the lead", work)
	}
	if err := a.store.CloseLead(ctx, work[0].ID, sanneID, true, 120000, ""); err != nil {
		t.Fatal(err)
	}

	t.Run("Last30Days", func(t *testing.T) {
		status, body := sanne.get("/dashboard?period=30d")
		if status != http.StatusOK {
			t.Fatalf("status %d:\n%s", status, body)
		}
		if n := strings.Count(body, `<rect class="bar"`); n != 30 {
			t.Errorf("%d bars, want 30", n)
		}
		if got := insFigure(t, body, "recognition"); got != "75%" {
			t.Errorf("recognised %q, want 75%%", got)
		}
		if got := insFigure(t, body, "calls"); got != "5" {
			t.Errorf("calls %q, want 5", got)
		}
		if got := insFigure(t, body, "revenue"); got != "€1,200" {
			t.Errorf("revenue %q, want €1,200", got)
		}
		for stage, want := range map[string]string{
			"shown":      `<td data-count>3</td><td>–</td><td>–</td>`,
			"mentioned":  `<td data-count>2</td><td>66.7%</td><td>66.7%</td>`,
			"interested": `<td data-count>1</td><td>50%</td><td>33.3%</td>`,
			"won":        `<td data-count>1</td><td>100%</td><td>33.3%</td>`,
		} {
			row := regBetween(body, `<tr data-stage="`+stage+`">`, "</tr>")
			if !strings.Contains(row, want) {
				t.Errorf("funnel %s: %q, want %q", stage, row, want)
			}
		}
		if n := strings.Count(body, `<rect class="funnel-bar"`); n != 4 {
			t.Errorf("%d funnel bars, want 4", n)
		}
		// Text alternatives for the charts.
		for _, want := range []string{`aria-labelledby="calls-t calls-d"`, "5 calls over 30 days; at most 5 on one day.",
			"75% of callers recognised: 3 of 4.", "Shown 3, Mentioned 2, Interested 1, Won 1"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// Everyone's part: Rita's hints, Sanne's won lead.
		rita := regBetween(body, fmt.Sprintf(`<tr data-employee="%d">`, ritaID), "</tr>")
		if !strings.Contains(rita, "Rita Jansen") || !strings.Contains(rita, "<td>2</td>\n          <td>1</td>\n          <td>1 · €1,200</td>") {
			t.Errorf("Rita's row: %s", rita)
		}
		row := regBetween(body, fmt.Sprintf(`<tr data-employee="%d">`, sanneID), "</tr>")
		if !strings.Contains(row, "Sanne Visser") || !strings.Contains(row, "<td>1 · €1,200</td>") {
			t.Errorf("Sanne's row: %s", row)
		}
	})
	t.Run("ThisMonthAndYear", func(t *testing.T) {
		today := insToday(t)
		_, body := sanne.get("/dashboard")
		if n := strings.Count(body, `<rect class="bar"`); n != today.Day() {
			t.Errorf("this month: %d bars, want %d", n, today.Day())
		}
		_, body = sanne.get("/dashboard?period=year")
		if n := strings.Count(body, `<rect class="bar"`); n != today.YearDay() {
			t.Errorf("this year: %d bars, want %d", n, today.YearDay())
		}
		if got := insFigure(t, body, "recognition"); got != "75%" {
			t.Errorf("this year: recognised %q", got)
		}
	})
	t.Run("Dutch", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, a.URL+"/dashboard?period=30d", nil)
		req.Header.Set("Accept-Language", "nl")
		resp, err := sanne.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		body := string(raw)
		if got := insFigure(t, body, "revenue"); got != "€ 1.200" {
			t.Errorf("revenue %q", got)
		}
		if !strings.Contains(body, "Van tip tot handtekening") || !strings.Contains(body, "<td>66,7%</td>") {
			t.Error("the dashboard is not in Dutch")
		}
	})
	t.Run("ErrPeriod", func(t *testing.T) {
		if status, _ := sanne.get("/dashboard?period=decade"); status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", status)
		}
	})
}

func TestWork(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.seedClient(t)
	org := insAcme(t, a)
	sanne, sanneID := insUser(t, a, "sanne", "Sanne Visser", crm.RoleAccountManager)
	rita, ritaID := insUser(t, a, "rita", "Rita Jansen", crm.RoleReceptionist)
	if err := a.store.SaveServices(ctx, []crm.ServiceInput{{Code: "backup", Name: "Online backup"}}); err != nil {
		t.Fatal(err)
	}
	cb := insMust(a.store.RequestCallback(ctx, crm.CallbackInput{OrganisationID: org.ID, AuthorID: ritaID,
		Message: "Martijn <b>wants</b> a call about the invoice"}))
	insMust(a.store.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: org.ID, ServiceCode: "backup",
		Outcome: crm.HintInterested, AuthorID: ritaID}))
	open := insMust(a.store.OpenWork(ctx, sanneID))
	if len(open) != 2 || open[0].ID != cb.ID || open[1].Kind != crm.KindLead {
		t.Fatalf("open work %+v", open)
	}
	lead := open[1]

	t.Run("List", func(t *testing.T) {
		status, body := sanne.get("/work")
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		item := regBetween(body, fmt.Sprintf(`<tr id="work-%d"`, cb.ID), "</tr>")
		for _, want := range []string{fmt.Sprintf(`<a href="/clients/%d">Acme Logistiek BV</a>`, org.ID), "today",
			"Martijn &lt;b&gt;wants&lt;/b&gt; a call about the invoice", fmt.Sprintf(`action="/work/%d/done"`, cb.ID)} {
			if !strings.Contains(item, want) {
				t.Errorf("callback row lacks %q:\n%s", want, item)
			}
		}
		if strings.Contains(item, "/lead") {
			t.Error("a callback offers won and lost")
		}
		if i, j := strings.Index(body, fmt.Sprintf(`id="work-%d"`, cb.ID)), strings.Index(body, fmt.Sprintf(`id="work-%d"`, lead.ID)); i < 0 || j < i {
			t.Error("not oldest first")
		}
		if !strings.Contains(regBetween(body, fmt.Sprintf(`<tr id="work-%d"`, lead.ID), "</tr>"), fmt.Sprintf(`formaction="/work/%d/lead"`, lead.ID)) {
			t.Error("the lead can't be won or lost")
		}
		// The top: goals (none yet), my role's part (not written), my figures.
		if !strings.Contains(body, "No goal is running right now.") || !strings.Contains(body, "part has not been written down yet.") {
			t.Error("the top of the page lacks the goals or the role's part")
		}
		if insFigure(t, body, "leads_won") != "0 · €0" {
			t.Errorf("leads won %q", insFigure(t, body, "leads_won"))
		}
	})
	t.Run("OthersCantClose", func(t *testing.T) {
		if status, _ := rita.post(fmt.Sprintf("/work/%d/done", cb.ID), nil); status != http.StatusNotFound {
			t.Errorf("Rita closing Sanne's callback: status %d, want 404", status)
		}
		if _, body := rita.get("/work"); !strings.Contains(body, "Nothing open") {
			t.Error("Rita sees work that is not hers")
		}
	})
	t.Run("DoneInOneClick", func(t *testing.T) {
		status, body := sanne.post(fmt.Sprintf("/work/%d/done", cb.ID), url.Values{"note": {"Called; invoice resent"}})
		if status != http.StatusOK || sanne.last.Path != "/work" || sanne.last.Query().Get("done") != "done" {
			t.Fatalf("status %d at %s", status, sanne.last)
		}
		if strings.Contains(body, fmt.Sprintf(`id="work-%d"`, cb.ID)) {
			t.Error("the done callback is still listed")
		}
		if !strings.Contains(body, `class="flash"`) {
			t.Error("no flash")
		}
		if insFigure(t, body, "callbacks_done") != "1" {
			t.Errorf("callbacks done %q", insFigure(t, body, "callbacks_done"))
		}
		hist := insMust(a.store.Interactions(ctx, org.ID, 10))
		found := false
		for _, in := range hist {
			if in.ID == cb.ID {
				found = in.Status == crm.InteractionDone && in.DoneNote == "Called; invoice resent" && in.DoneByID == sanneID
			}
		}
		if !found {
			t.Errorf("the callback is not done in the history: %+v", hist)
		}
		// A second click finds nothing open.
		if status, _ := sanne.post(fmt.Sprintf("/work/%d/done", cb.ID), nil); status != http.StatusNotFound {
			t.Errorf("second click: status %d", status)
		}
	})
	t.Run("CallbackIsNotWon", func(t *testing.T) {
		cb2 := insMust(a.store.RequestCallback(ctx, crm.CallbackInput{OrganisationID: org.ID}))
		if status, _ := sanne.post(fmt.Sprintf("/work/%d/lead", cb2.ID), url.Values{"outcome": {"won"}}); status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", status)
		}
	})
	t.Run("LeadWon", func(t *testing.T) {
		path := fmt.Sprintf("/work/%d/lead", lead.ID)
		status, body := sanne.post(path, url.Values{"outcome": {"won"}, "value": {"lots"}, "note": {"signed"}})
		if status != http.StatusBadRequest {
			t.Fatalf("bad value: status %d", status)
		}
		row := regBetween(body, fmt.Sprintf(`<tr id="work-%d"`, lead.ID), "</tr>")
		if !strings.Contains(row, `role="alert"`) || !strings.Contains(row, `value="lots"`) || !strings.Contains(row, `value="signed"`) {
			t.Errorf("the error is not at the lead, with what was typed:\n%s", row)
		}
		status, body = sanne.post(path, url.Values{"outcome": {"won"}, "value": {"1.200"}})
		if status != http.StatusOK || sanne.last.Query().Get("done") != "won" {
			t.Fatalf("status %d at %s", status, sanne.last)
		}
		if strings.Contains(body, fmt.Sprintf(`id="work-%d"`, lead.ID)) {
			t.Error("the won lead is still listed")
		}
		if got := insFigure(t, body, "leads_won"); got != "1 · €1,200" {
			t.Errorf("leads won %q", got)
		}
	})
}

func TestCare(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.seedClient(t)
	org := insAcme(t, a)
	big := insMust(a.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Groot & Co", AnnualValue: 5000000}))
	recent := insMust(a.store.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Recent BV", AnnualValue: 9000000}))
	insMust(a.store.AddInteraction(ctx, crm.InteractionInput{OrganisationID: recent.ID, Kind: crm.KindNote, Summary: "Spoke last week"}))
	b, svmID := insUser(t, a, "bram", "Bram de Boer", crm.RoleServiceManager)

	status, body := b.get("/care")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	gi, ai := strings.Index(body, fmt.Sprintf(`data-care="%d"`, big.ID)), strings.Index(body, fmt.Sprintf(`data-care="%d"`, org.ID))
	if gi < 0 || ai < 0 || ai < gi {
		t.Fatalf("the care list lacks a client or is not by value:\n%s", body)
	}
	if strings.Contains(body, fmt.Sprintf(`data-care="%d"`, recent.ID)) {
		t.Error("a client we spoke to recently is on the list")
	}
	if !strings.Contains(body, "Groot &amp; Co") || !strings.Contains(body, `<option value="90" selected>`) {
		t.Error("the list lacks its names or the 90 days default")
	}

	t.Run("CheckedIn", func(t *testing.T) {
		status, body := b.post(fmt.Sprintf("/care/%d", org.ID), url.Values{"outcome": {"checked_in"}, "days": {"90"}, "note": {"All fine, happy"}})
		if status != http.StatusOK || b.last.Path != "/care" || b.last.Query().Get("done") != "checked_in" {
			t.Fatalf("status %d at %s", status, b.last)
		}
		if !strings.Contains(body, "Checked in with Acme Logistiek BV") {
			t.Error("no flash naming the client")
		}
		if strings.Contains(body, fmt.Sprintf(`data-care="%d"`, org.ID)) {
			t.Error("the client is still on the list")
		}
		hist := insMust(a.store.Interactions(ctx, org.ID, 10))
		if len(hist) == 0 || hist[0].Kind != crm.KindCare || hist[0].Status != "checked_in" || hist[0].AuthorID != svmID ||
			!strings.Contains(hist[0].Summary, "All fine, happy") {
			t.Errorf("history %+v", hist)
		}
	})
	t.Run("CallNow", func(t *testing.T) {
		status, body := b.post(fmt.Sprintf("/care/%d", big.ID), url.Values{"outcome": {"call_now"}, "days": {"30"}})
		if status != http.StatusOK || b.last.Query().Get("days") != "30" {
			t.Fatalf("status %d at %s", status, b.last)
		}
		if strings.Contains(body, fmt.Sprintf(`data-care="%d"`, big.ID)) {
			t.Error("the client is still on the list")
		}
		// The call is on the service manager's own work list.
		_, body = b.get("/work")
		if !strings.Contains(body, "Groot &amp; Co") {
			t.Error("the call is not on the work list")
		}
	})
	t.Run("ErrOutcome", func(t *testing.T) {
		status, body := b.post(fmt.Sprintf("/care/%d", recent.ID), url.Values{"outcome": {"maybe"}})
		if status != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) {
			t.Errorf("status %d", status)
		}
	})
	t.Run("ErrDays", func(t *testing.T) {
		if status, _ := b.get("/care?days=forever"); status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", status)
		}
		if _, body := b.get("/care?days=14"); !strings.Contains(body, `<option value="14" selected>`) {
			t.Error("a days value not in the list is not shown selected")
		}
	})
}

func TestInsightRoles(t *testing.T) {
	a := newApp(t)
	a.seedClient(t)
	org := insAcme(t, a)
	rita, _ := insUser(t, a, "rita", "Rita Jansen", crm.RoleReceptionist)
	sanne, _ := insUser(t, a, "sanne", "Sanne Visser", crm.RoleAccountManager)
	bram, _ := insUser(t, a, "bram", "Bram de Boer", crm.RoleServiceManager)
	admin, _ := insUser(t, a, "ada", "Ada Admin", crm.RoleAdmin)

	for _, tt := range []struct {
		who        string
		b          *regBrowser
		dash, care int
	}{
		{"receptionist", rita, http.StatusForbidden, http.StatusForbidden},
		{"account manager", sanne, http.StatusOK, http.StatusOK},
		{"service manager", bram, http.StatusOK, http.StatusOK},
		{"admin", admin, http.StatusOK, http.StatusOK},
	} {
		t.Run(tt.who, func(t *testing.T) {
			for path, want := range map[string]int{"/dashboard": tt.dash, "/care": tt.care, "/work": http.StatusOK, "/goals": http.StatusOK} {
				if status, _ := tt.b.get(path); status != want {
					t.Errorf("GET %s: status %d, want %d", path, status, want)
				}
			}
			status, _ := tt.b.post(fmt.Sprintf("/care/%d", org.ID), url.Values{"outcome": {"checked_in"}})
			if tt.care == http.StatusForbidden && status != http.StatusForbidden {
				t.Errorf("POST /care: status %d, want 403", status)
			}
			_, body := tt.b.get("/work")
			nav := regBetween(body, `<nav aria-label="Main">`, "</nav>")
			for link, want := range map[string]bool{`href="/work"`: true, `href="/goals"`: true,
				`href="/care"`: tt.care == http.StatusOK, `href="/dashboard"`: tt.dash == http.StatusOK} {
				if strings.Contains(nav, link) != want {
					t.Errorf("nav has %s: %v, want %v", link, !want, want)
				}
			}
		})
	}
	t.Run("GoalsEditingAdminOnly", func(t *testing.T) {
		form := url.Values{"title": {"Sneaky"}, "metric": {"leads_won"}, "target": {"3"},
			"period_start": {"2026-01-01"}, "period_end": {"2026-12-31"}}
		for _, b := range []*regBrowser{rita, sanne, bram} {
			if status, _ := b.post("/goals", form); status != http.StatusForbidden {
				t.Errorf("adding a goal: status %d, want 403", status)
			}
			if status, _ := b.post("/goals/roles", url.Values{"text_receptionist": {"x"}}); status != http.StatusForbidden {
				t.Errorf("saving roles: status %d, want 403", status)
			}
			if _, body := b.get("/goals"); strings.Contains(body, `action="/goals"`) || strings.Contains(body, "<textarea") {
				t.Error("a non-admin sees the editing forms")
			}
		}
		if goals := insMust(a.store.Goals(context.Background())); len(goals) != 0 {
			t.Errorf("goals %+v", goals)
		}
	})
}

func TestGoals(t *testing.T) {
	ctx := context.Background()
	a := newApp(t)
	a.seedClient(t)
	org := insAcme(t, a)
	admin, _ := insUser(t, a, "ada", "Ada Admin", crm.RoleAdmin)
	rita, ritaID := insUser(t, a, "rita", "Rita Jansen", crm.RoleReceptionist)

	t.Run("Empty", func(t *testing.T) {
		_, body := admin.get("/goals")
		if !strings.Contains(body, "No goals yet.") || !strings.Contains(body, "Set the first one") {
			t.Error("the admin gets no empty state with a hint")
		}
		_, body = rita.get("/goals")
		if !strings.Contains(body, "No goals yet.") || !strings.Contains(body, "An admin sets them") {
			t.Error("others get no empty state")
		}
	})
	today := insToday(t)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	form := url.Values{"title": {"Mention <backup> to callers"}, "metric": {"hints_mentioned"}, "target": {"4"},
		"period_start": {first.Format(crm.DateLayout)}, "period_end": {last.Format(crm.DateLayout)}}

	t.Run("ErrTarget", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("target", "lots")
		status, body := admin.post("/goals", bad)
		if status != http.StatusBadRequest || !strings.Contains(body, `id="target-error"`) ||
			!strings.Contains(body, `value="Mention &lt;backup&gt; to callers"`) {
			t.Fatalf("status %d; error or typed title missing", status)
		}
	})
	t.Run("Add", func(t *testing.T) {
		if err := a.store.SaveServices(ctx, []crm.ServiceInput{{Code: "backup", Name: "Online backup"}}); err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"1", "2"} {
			insMust(a.store.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: org.ID, ServiceCode: "backup",
				Outcome: crm.HintMentioned, AuthorID: ritaID, CallID: call}))
		}
		status, body := admin.post("/goals", form)
		if status != http.StatusOK || admin.last.Query().Get("done") != "saved" {
			t.Fatalf("status %d at %s", status, admin.last)
		}
		if !strings.Contains(body, "Mention &lt;backup&gt; to callers") || !strings.Contains(body, "2 of 4 (50%)") ||
			!strings.Contains(body, `<progress max="1" value="0.5"`) {
			t.Errorf("the goal's progress is not shown:\n%s", regBetween(body, `<table aria-labelledby="goals-h"`, "</table>"))
		}
		// Everyone sees it, and on their work page too.
		_, body = rita.get("/goals")
		if !strings.Contains(body, "2 of 4 (50%)") {
			t.Error("Rita does not see the goal")
		}
		_, body = rita.get("/work")
		if !strings.Contains(body, "Mention &lt;backup&gt; to callers") || insFigure(t, body, "hints_mentioned") != "2" {
			t.Error("Rita's work page lacks the goal or her figures")
		}
	})
	t.Run("RoleContributions", func(t *testing.T) {
		status, _ := admin.post("/goals/roles", url.Values{"text_receptionist": {"Recognise the caller; mention one hint a call."},
			"text_engineer": {"Tell the account manager what you see on site."}})
		if status != http.StatusOK || admin.last.Query().Get("done") != "roles" {
			t.Fatalf("status %d at %s", status, admin.last)
		}
		_, body := rita.get("/work")
		if !strings.Contains(body, "Recognise the caller; mention one hint a call.") {
			t.Error("Rita does not see her role's part")
		}
		_, body = rita.get("/goals")
		if !strings.Contains(body, "Tell the account manager what you see on site.") {
			t.Error("the roles' parts are not on the goals page")
		}
		status, body = admin.post("/goals/roles", url.Values{"text_receptionist": {strings.Repeat("x", 2001)}})
		if status != http.StatusBadRequest || !strings.Contains(body, `id="text_receptionist-error"`) {
			t.Errorf("too long: status %d", status)
		}
	})
	t.Run("EditAndDelete", func(t *testing.T) {
		goals := insMust(a.store.Goals(ctx))
		if len(goals) != 1 {
			t.Fatalf("goals %+v", goals)
		}
		id := goals[0].ID
		_, body := admin.get(fmt.Sprintf("/goals?edit=%d", id))
		if !strings.Contains(body, fmt.Sprintf(`action="/goals/%d"`, id)) || !strings.Contains(body, `<option value="hints_mentioned" selected>`) {
			t.Fatal("the edit form is not filled in")
		}
		edit := url.Values{}
		for k, v := range form {
			edit[k] = v
		}
		edit.Set("target", "2")
		if status, body := admin.post(fmt.Sprintf("/goals/%d", id), edit); status != http.StatusOK || !strings.Contains(body, "2 of 2 (100%)") {
			t.Errorf("edit: status %d", status)
		}
		if status, body := admin.post(fmt.Sprintf("/goals/%d/delete", id), nil); status != http.StatusOK || !strings.Contains(body, "No goals yet.") {
			t.Errorf("delete: status %d", status)
		}
		if status, _ := admin.post(fmt.Sprintf("/goals/%d/delete", id), nil); status != http.StatusNotFound {
			t.Errorf("delete again: status %d", status)
		}
	})
}
