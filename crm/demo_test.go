package crm_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// openDemoStore opens a fresh register whose clock reads now.
func openDemoStore(t testing.TB, now time.Time) *crm.Store {
	t.Helper()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := crm.Open(context.Background(), crm.Config{
		Path: filepath.Join(t.TempDir(), "demo.db"), Phone: n, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// allOrganisations lists every organisation in the register.
func allOrganisations(t testing.TB, s *crm.Store) []crm.Organisation {
	t.Helper()
	orgs, err := s.SearchOrganisations(context.Background(), "", 500)
	if err != nil {
		t.Fatal(err)
	}
	return orgs
}

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	sum, err := s.LoadDemo(ctx, crm.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v: %d employees, %d organisations, %d contacts, %d numbers, %d ranges, %d services, %d subscriptions, %d interactions",
		sum.Took, sum.Employees, sum.Organisations, sum.Contacts, sum.Numbers, sum.Ranges, sum.Services, sum.Subscriptions, sum.Interactions)

	t.Run("Counts", func(t *testing.T) {
		between := func(what string, got, lo, hi int) {
			t.Helper()
			if got < lo || got > hi {
				t.Errorf("%s = %d, want %d..%d", what, got, lo, hi)
			}
		}
		between("employees", sum.Employees, 18, 22)
		between("services", sum.Services, 8, 8)
		between("organisations", sum.Organisations, 290, 310)
		between("contacts", sum.Contacts, 2*sum.Organisations, 4*sum.Organisations)
		between("ranges", sum.Ranges, sum.Organisations/10, sum.Organisations*3/10)
		between("subscriptions", sum.Subscriptions, sum.Organisations, 4*sum.Organisations)
		between("interactions", sum.Interactions, 5*sum.Organisations, 12*sum.Organisations)
		if sum.Seed != 1 || !sum.Now.Equal(fixedNow) {
			t.Errorf("seed %d, now %v: want the defaults 1 and the store's clock", sum.Seed, sum.Now)
		}

		emps, err := s.Employees(ctx)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[crm.Role]int{}
		for _, e := range emps {
			roles[e.Role]++
			if !strings.HasSuffix(e.Email, "@noordhaven.nl") || e.Extension == "" {
				t.Errorf("employee %s: e-mail %q, extension %q", e.Name, e.Email, e.Extension)
			}
		}
		between("receptionists", roles[crm.RoleReceptionist], 2, 3)
		between("account managers", roles[crm.RoleAccountManager], 4, 5)
		between("service managers", roles[crm.RoleServiceManager], 2, 2)
		between("admins", roles[crm.RoleAdmin], 1, 1)

		services, err := s.Services(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, sv := range services {
			codes = append(codes, sv.Code)
			if sv.Pitch == "" || len(sv.Keywords) == 0 {
				t.Errorf("service %s has no pitch or keywords", sv.Code)
			}
		}
		want := []string{"backup", "connectivity", "hosting", "monitoring", "security", "training", "voip", "workplace"}
		if !slices.Equal(codes, want) {
			t.Errorf("services %v, want %v", codes, want)
		}
	})

	t.Run("Examples", func(t *testing.T) {
		seen := map[crm.Match]bool{}
		for _, ex := range sum.Examples {
			seen[ex.Match] = true
			rec, err := s.Recognise(ctx, ex.Raw)
			if err != nil {
				t.Errorf("%q: %v", ex.Raw, err)
				continue
			}
			if rec.Match != ex.Match {
				t.Errorf("%q recognised as %s, the summary says %s", ex.Raw, rec.Match, ex.Match)
				continue
			}
			switch ex.Match {
			case crm.MatchAmbiguous:
				if len(rec.Candidates) != 2 || rec.Candidates[0].Organisation.ID == rec.Candidates[1].Organisation.ID {
					t.Errorf("%q: want two contacts at different organisations, got %+v", ex.Raw, rec.Candidates)
				}
				for _, c := range rec.Candidates {
					if c.Contact == nil || !strings.Contains(ex.Expect, c.Contact.Name+" ("+c.Organisation.Name+")") {
						t.Errorf("%q: candidate %+v is not in %q", ex.Raw, c, ex.Expect)
					}
				}
			case crm.MatchUnknown, crm.MatchWithheld:
			default:
				if got := rec.DisplayName(); got != ex.Expect {
					t.Errorf("%q shows %q, the summary says %q", ex.Raw, got, ex.Expect)
				}
			}
		}
		for _, m := range crm.Matches {
			if !seen[m] {
				t.Errorf("no example for %s", m)
			}
		}
	})

	t.Run("Martijn", func(t *testing.T) {
		st := sum.Story
		rec, err := s.Recognise(ctx, st.ContactNumber)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Match != crm.MatchContact || rec.Contact.ID != st.ContactID || rec.Contact.Name != "Martijn de Vries" ||
			rec.Contact.JobTitle != "ICT-manager" || rec.Organisation.ID != st.OrganisationID {
			t.Fatalf("recognised %+v, want Martijn at organisation %d", rec, st.OrganisationID)
		}
		o := rec.Organisation
		if y := crm.YearsBetween(o.ClientSince, fixedNow); y != 7 || st.Years != 7 {
			t.Errorf("client for %d years (summary %d), want 7", y, st.Years)
		}
		if o.AnnualValue != 8400_00 || o.AccountManager == nil || o.AccountManager.Name != st.AccountManagerName {
			t.Errorf("value %s, account manager %+v", o.AnnualValue, o.AccountManager)
		}
		subs, err := s.Subscriptions(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 || subs[0].ServiceCode != "hosting" || subs[0].Status != crm.SubscriptionActive {
			t.Fatalf("subscriptions %+v, want only hosting", subs)
		}
		if d := subs[0].RenewalDate.Sub(fixedNow); d <= 0 || d > 60*24*time.Hour {
			t.Errorf("hosting renews %v, want within 60 days of %v", subs[0].RenewalDate, fixedNow)
		}
		am, err := s.Recognise(ctx, st.AccountManagerRaw)
		if err != nil {
			t.Fatal(err)
		}
		if am.Match != crm.MatchEmployee || am.Employee.ID != st.AccountManagerID || am.Employee.Role != crm.RoleAccountManager {
			t.Errorf("account manager's mobile recognised as %+v", am)
		}
		history, err := s.Interactions(ctx, o.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range history {
			found = found || strings.Contains(it.Summary, "restoring deleted files")
			if it.OccurredAt.After(fixedNow) {
				t.Errorf("interaction in the future: %+v", it)
			}
		}
		if !found {
			t.Error("no note about restoring deleted files")
		}
	})

	t.Run("Numbers", func(t *testing.T) {
		n, err := phone.New(phone.Config{DefaultRegion: "NL"})
		if err != nil {
			t.Fatal(err)
		}
		holders := map[string]int{}
		check := func(owner string, nums []crm.PhoneNumber) {
			for _, pn := range nums {
				holders[pn.E164]++
				num, err := n.Normalise(pn.Raw)
				if err != nil || num.E164 != pn.E164 {
					t.Errorf("%s: %q normalises to %q, %v; stored %q", owner, pn.Raw, num.E164, err, pn.E164)
				}
				if (pn.Label == crm.LabelMobile) != (num.Kind == phone.KindMobile) {
					t.Errorf("%s: %q labelled %s is a %s number", owner, pn.Raw, pn.Label, num.Kind)
				}
			}
		}
		emps, err := s.Employees(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range emps {
			full, err := s.Employee(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(full.Numbers) == 0 {
				t.Errorf("employee %s has no number", e.Name)
			}
			check(e.Name, full.Numbers)
		}
		switchboardOnly, inRange := 0, 0
		for _, o := range allOrganisations(t, s) {
			full, err := s.Organisation(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			check(o.Name, full.Numbers)
			contacts, err := s.Contacts(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(contacts) < 1 || len(contacts) > 7 {
				t.Errorf("%s has %d contacts", o.Name, len(contacts))
			}
			personal := 0
			for _, c := range contacts {
				check(c.Name, c.Numbers)
				personal += len(c.Numbers)
				for _, pn := range c.Numbers {
					for _, r := range full.Ranges {
						if strings.HasPrefix(pn.E164, r.Prefix) {
							inRange++
						}
					}
				}
			}
			if personal == 0 && len(full.Numbers) > 0 {
				switchboardOnly++
			}
		}
		shared := 0
		for e164, n := range holders {
			if n > 1 {
				shared++
				if n != 2 {
					t.Errorf("%s has %d holders", e164, n)
				}
			}
		}
		if shared != 1 {
			t.Errorf("%d numbers are shared, want exactly one", shared)
		}
		if switchboardOnly == 0 || inRange == 0 {
			t.Errorf("%d organisations known by switchboard only, %d direct numbers inside ranges; want some of each", switchboardOnly, inRange)
		}
	})

	t.Run("Subscriptions", func(t *testing.T) {
		soon := 0
		for _, o := range allOrganisations(t, s) {
			subs, err := s.Subscriptions(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			var total crm.Money
			for _, sub := range subs {
				total += sub.AnnualValue
				if sub.Status == crm.SubscriptionActive && sub.RenewalDate.Sub(fixedNow) < 60*24*time.Hour {
					soon++
				}
			}
			switch o.Status {
			case crm.StatusActive:
				if len(subs) < 1 || len(subs) > 4 || total != o.AnnualValue {
					t.Errorf("%s: %d subscriptions worth %s, organisation worth %s", o.Name, len(subs), total, o.AnnualValue)
				}
				if o.AnnualValue < 1000_00 || o.AnnualValue > 120000_00 || o.ClientSince.IsZero() {
					t.Errorf("%s: worth %s, client since %v", o.Name, o.AnnualValue, o.ClientSince)
				}
			case crm.StatusProspect:
				if len(subs) != 0 || o.AnnualValue != 0 {
					t.Errorf("prospect %s holds %d services worth %s", o.Name, len(subs), o.AnnualValue)
				}
			}
		}
		if soon < 10 {
			t.Errorf("%d subscriptions renew within 60 days, want some", soon)
		}
	})

	// The last month at reception, so that the dashboard, goals and "my
	// work" show figures: every call is recognised now as it is recorded,
	// and none is from today, which the console lists as calls of its own.
	t.Run("Activity", func(t *testing.T) {
		if sum.Calls < 300 || sum.Calls > 800 {
			t.Errorf("%d calls in the last month, want 300..800", sum.Calls)
		}
		today := time.Date(fixedNow.Year(), fixedNow.Month(), fixedNow.Day(), 0, 0, 0, 0, fixedNow.Location())
		matches := map[crm.Match]int{}
		for i := 1; i <= sum.Calls; i++ {
			c, err := s.CallByRef(ctx, "demo-"+strconv.Itoa(i))
			if err != nil {
				t.Fatalf("call demo-%d: %v", i, err)
			}
			matches[c.Match]++
			if !c.RingingAt.Before(today) || c.RingingAt.Before(today.AddDate(0, 0, -31)) {
				t.Errorf("call %d rang at %v, want in the month before %v", c.ID, c.RingingAt, today)
			}
			r, err := s.Recognise(ctx, c.From.E164)
			if err != nil {
				t.Fatal(err)
			}
			if c.Match == crm.MatchWithheld {
				if c.From.E164 != "" {
					t.Errorf("withheld call %d from %q", c.ID, c.From.E164)
				}
				continue
			}
			if c.OrganisationID != 0 && !hasCallEntry(t, s, c) {
				t.Errorf("recognised call %d has no history entry", c.ID)
			}
			org := r.CommonOrganisation()
			if r.Match != c.Match || c.ContactID != 0 && (r.Contact == nil || r.Contact.ID != c.ContactID) ||
				c.OrganisationID != 0 && (org == nil || org.ID != c.OrganisationID) {
				t.Errorf("call %d from %s is stored as %s (contact %d, organisation %d), recognised now as %s", c.ID, c.From.E164,
					c.Match, c.ContactID, c.OrganisationID, r.Match)
			}
		}
		for _, m := range []crm.Match{crm.MatchContact, crm.MatchOrganisation, crm.MatchEmployee, crm.MatchUnknown, crm.MatchWithheld} {
			if matches[m] == 0 {
				t.Errorf("no %s callers among %v", m, matches)
			}
		}
		d, err := s.Dashboard(ctx, today.AddDate(0, 0, -30), today)
		if err != nil {
			t.Fatal(err)
		}
		if d.Calls != sum.Calls || d.RecognitionRate < 80 || d.RecognitionRate > 95 {
			t.Errorf("dashboard: %d calls, %.1f%% recognised; want %d, 80..95%%", d.Calls, d.RecognitionRate, sum.Calls)
		}
		if f := d.Funnel; f.Shown == 0 || f.Mentioned == 0 || f.Interested == 0 || f.Won == 0 || f.WonValue == 0 {
			t.Errorf("the hint funnel has an empty stage: %+v", f)
		}
		goals, err := s.GoalProgress(ctx, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(goals) != 3 {
			t.Fatalf("%d goals running, want 3", len(goals))
		}
		for _, g := range goals {
			if g.Current <= 0 {
				t.Errorf("goal %q has nothing to show: %+v", g.Title, g)
			}
		}
		roles, err := s.RoleContributions(ctx)
		if err != nil || len(roles) != 4 {
			t.Errorf("%d role contributions, %v; want 4", len(roles), err)
		}
	})

	t.Run("ErrNotEmpty", func(t *testing.T) {
		_, err := s.LoadDemo(ctx, crm.DemoOptions{Seed: 2})
		if crm.ErrorCode(err) != crm.CodeConflict || crm.ErrorMessage(err) != "the register is not empty" {
			t.Fatalf("second load: %v, want conflict", err)
		}
		if got := len(allOrganisations(t, s)); got != sum.Organisations {
			t.Errorf("%d organisations after a refused load, want %d", got, sum.Organisations)
		}
	})
}

func TestLoadDemoRefusesRegisterWithEmployees(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Anna Jansen", Role: crm.RoleReceptionist}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadDemo(ctx, crm.DemoOptions{}); crm.ErrorCode(err) != crm.CodeConflict {
		t.Fatalf("got %v, want conflict", err)
	}
}

func TestLoadDemoDeterministic(t *testing.T) {
	ctx := context.Background()
	names := func(seed uint64) []string {
		s := openStore(t)
		if _, err := s.LoadDemo(ctx, crm.DemoOptions{Seed: seed}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range allOrganisations(t, s) {
			out = append(out, o.Name)
		}
		return out
	}
	a, b := names(7), names(7)
	if !slices.Equal(a, b) {
		t.Errorf("seed 7 gave different organisations:\n%v\n%v", a, b)
	}
	if c := names(8); slices.Equal(a, c) {
		t.Error("seeds 7 and 8 gave the same organisations")
	}
}

// TestLoadDemoDates loads on awkward days: the story's dates are relative
// to Now, so "client for 7 years" holds whenever the demo is loaded.
func TestLoadDemoDates(t *testing.T) {
	ctx := context.Background()
	for _, now := range []time.Time{
		time.Date(2027, 1, 3, 8, 0, 0, 0, time.UTC),
		time.Date(2028, 2, 29, 23, 30, 0, 0, time.FixedZone("CET", 3600)),
		time.Date(2026, 4, 30, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 17, 0, 0, 0, time.FixedZone("CET", 3600)),
	} {
		t.Run(now.Format("2006-01-02"), func(t *testing.T) {
			s := openDemoStore(t, now)
			sum, err := s.LoadDemo(ctx, crm.DemoOptions{Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			o, err := s.Organisation(ctx, sum.Story.OrganisationID)
			if err != nil {
				t.Fatal(err)
			}
			if y := crm.YearsBetween(o.ClientSince, now); y != 7 {
				t.Errorf("client since %v: %d years at %v, want 7", o.ClientSince, y, now)
			}
			if d := sum.Story.RenewalDate.Sub(now); d <= 0 || d > 60*24*time.Hour {
				t.Errorf("renews %v, want within 60 days of %v", sum.Story.RenewalDate, now)
			}
			for _, ex := range sum.Examples {
				rec, err := s.Recognise(ctx, ex.Raw)
				if err != nil || rec.Match != ex.Match {
					t.Errorf("%q: %s, %v; want %s", ex.Raw, rec.Match, err, ex.Match)
				}
			}
		})
	}
}

func BenchmarkLoadDemo(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := openStore(b)
		b.StartTimer()
		if _, err := s.LoadDemo(ctx, crm.DemoOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// hasCallEntry tells whether a call has the history entry every recognised
// call gets.
func hasCallEntry(t *testing.T, s *crm.Store, c crm.Call) bool {
	t.Helper()
	history, err := s.Interactions(context.Background(), c.OrganisationID, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range history {
		if it.Kind == crm.KindCall && it.CallID == strconv.FormatInt(c.ID, 10) {
			return true
		}
	}
	return false
}
