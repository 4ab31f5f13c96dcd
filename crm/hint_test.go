package crm_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// hintWorld is a small firm for hint and insight tests: a catalogue with
// complements and keywords, a receptionist, an account manager and a
// service manager.
type hintWorld struct {
	s                     *crm.Store
	svc                   map[string]int64 // service id by code
	receptionist, am, svm crm.Employee
}

func daysBefore(n int) time.Time { return fixedNow.AddDate(0, 0, -n) }

func newHintWorld(t testing.TB, s *crm.Store) hintWorld {
	t.Helper()
	ctx := context.Background()
	w := hintWorld{s: s, svc: map[string]int64{}}
	if err := s.SaveServices(ctx, []crm.ServiceInput{
		{Code: "hosting", Name: "Managed Hosting", Pitch: "We run your servers.", Keywords: []string{"hosting", "server"}},
		{Code: "connectivity", Name: "Business Internet", Pitch: "Fast internet.", Keywords: []string{"internet", "wi-fi"}},
		{Code: "workplace", Name: "Managed Workplace", Pitch: "Laptops looked after.", Keywords: []string{"laptop"}},
		{Code: "backup", Name: "Off-site Backup", Pitch: "Nightly backups, restores within the hour.",
			Keywords: []string{"backup", "restore", "deleted"}, Complements: []crm.Complement{{Of: "hosting", Weight: 0.9}}},
		{Code: "archive", Name: "Mail Archive", Pitch: "Every e-mail kept for ten years.",
			Keywords: []string{"archive"}, Complements: []crm.Complement{{Of: "hosting", Weight: 0.7}}},
		{Code: "monitoring", Name: "24/7 Monitoring", Pitch: "We watch your servers at night.",
			Keywords: []string{"outage", "monitoring"}, Complements: []crm.Complement{{Of: "hosting", Weight: 0.7}}},
		{Code: "security", Name: "Managed Security", Pitch: "Phishing stays out.",
			Keywords: []string{"phishing", "virus"}, Complements: []crm.Complement{{Of: "hosting", Weight: 0.5}, {Of: "workplace", Weight: 0.8}}},
		{Code: "voip", Name: "Cloud Telephony", Pitch: "Phones in the cloud.",
			Keywords: []string{"telephone"}, Complements: []crm.Complement{{Of: "connectivity", Weight: 0.8}}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, sv := range must(s.Services(ctx)) {
		w.svc[sv.Code] = sv.ID
	}
	w.receptionist = must(s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Lotte Bakker", Role: crm.RoleReceptionist, Extension: "201"}))
	w.am = must(s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Role: crm.RoleAccountManager, Extension: "211"}))
	w.svm = must(s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Peter de Graaf", Role: crm.RoleServiceManager, Extension: "221"}))
	return w
}

// org adds a client of seven years worth €8,400 a year, with Sanne as
// account manager, holding the services given.
func (w hintWorld) org(t testing.TB, name string, status crm.OrgStatus, subs ...crm.SubscriptionInput) crm.Organisation {
	t.Helper()
	ctx := context.Background()
	in := crm.OrganisationInput{Name: name, Status: status, AccountManagerID: w.am.ID}
	if status != crm.StatusProspect {
		in.ClientSince, in.AnnualValue = fixedNow.AddDate(-7, -2, 0), 8400_00
	}
	o := must(w.s.CreateOrganisation(ctx, in))
	for _, sub := range subs {
		sub.OrganisationID = o.ID
		if sub.Since.IsZero() {
			sub.Since = in.ClientSince
		}
		if err := w.s.SaveSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// event adds a history entry to o.
func (w hintWorld) event(t testing.TB, o crm.Organisation, kind crm.InteractionKind, daysAgo int, service, status, summary string) crm.Interaction {
	t.Helper()
	in := crm.InteractionInput{OrganisationID: o.ID, Kind: kind, OccurredAt: daysBefore(daysAgo), AuthorID: w.receptionist.ID,
		ServiceID: w.svc[service], Status: status, Summary: summary}
	if kind == crm.KindLead || kind == crm.KindCallback {
		in.AssigneeID = w.am.ID
	}
	return must(w.s.AddInteraction(context.Background(), in))
}

func hosting(renewsInDays int) crm.SubscriptionInput {
	sub := crm.SubscriptionInput{ServiceCode: "hosting", AnnualValue: 8400_00}
	if renewsInDays > 0 {
		sub.RenewalDate = fixedNow.AddDate(0, 0, renewsInDays)
	}
	return sub
}

func hintCodes(hs []crm.Hint) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.ServiceCode)
	}
	return out
}

func TestHints(t *testing.T) {
	type setup func(t *testing.T, w hintWorld) crm.Organisation
	active := func(subs ...crm.SubscriptionInput) setup {
		return func(t *testing.T, w hintWorld) crm.Organisation {
			return w.org(t, "Van der Berg", crm.StatusActive, subs...)
		}
	}
	with := func(base setup, kind crm.InteractionKind, daysAgo int, service, status, summary string) setup {
		return func(t *testing.T, w hintWorld) crm.Organisation {
			o := base(t, w)
			w.event(t, o, kind, daysAgo, service, status, summary)
			return o
		}
	}
	hostingOnly := active(hosting(200))
	tests := []struct {
		name   string
		setup  setup
		limit  int
		want   []string // service codes, in order
		reason []string // parts the first hint's reason must contain
		score  float64  // the first hint's score, if not 0
	}{
		// 0.9 complement × 1.1 (€8,400 a year) × 1.21 (7 years) = 1.198.
		{"HostingOnlyBackupFirst", hostingOnly, 0, []string{"backup", "archive", "monitoring"},
			[]string{"hosting for 7 years", "backup complements hosting", "never offered"}, 1.198},
		{"DefaultLimitIsThree", hostingOnly, -1, []string{"backup", "archive", "monitoring"}, nil, 0},
		{"LimitRespected", hostingOnly, 1, []string{"backup"}, nil, 0},
		{"LimitAboveCount", hostingOnly, 10, []string{"backup", "archive", "monitoring", "security"}, nil, 0},
		// archive and monitoring both complement hosting by 0.7: by code.
		{"TiesByCode", hostingOnly, 10, []string{"backup", "archive", "monitoring", "security"}, nil, 0},
		{"HeldServiceNotHinted", active(hosting(200), crm.SubscriptionInput{ServiceCode: "backup"}), 0,
			[]string{"archive", "monitoring", "security"}, nil, 0},
		{"EndedServiceHintedAgain", active(hosting(200), crm.SubscriptionInput{ServiceCode: "backup", Status: crm.SubscriptionEnded}), 1,
			[]string{"backup"}, nil, 0},
		// voip complements connectivity (0.8), which renews in 30 days: 1.3 beats backup's 0.9.
		{"RenewalBoosts", active(hosting(200), crm.SubscriptionInput{ServiceCode: "connectivity", RenewalDate: fixedNow.AddDate(0, 0, 30)}), 2,
			[]string{"voip", "backup"}, []string{"connectivity for 7 years, renews in 30 days", "voip complements connectivity"}, 1.73},
		{"RenewalTooFarNoBoost", active(hosting(200), crm.SubscriptionInput{ServiceCode: "connectivity", RenewalDate: fixedNow.AddDate(0, 0, 61)}), 2,
			[]string{"backup", "voip"}, nil, 0},
		// security: 0.5 complement + 0.944 for "phishing" ten days ago.
		{"KeywordBoosts", with(hostingOnly, crm.KindNote, 10, "", "", "Asked whether we can stop the PHISHING mails."), 1,
			[]string{"security"}, []string{`mentioned "phishing" 10 days ago`, "security complements hosting"}, 1.923},
		{"KeywordOlderThan90DaysIgnored", with(hostingOnly, crm.KindNote, 95, "", "", "Asked about phishing."), 1,
			[]string{"backup"}, nil, 0},
		{"KeywordInsideWordIgnored", with(hostingOnly, crm.KindNote, 3, "", "", "Installed an antivirus scanner."), 10,
			[]string{"backup", "archive", "monitoring", "security"}, nil, 0},
		{"KeywordInOwnHintIgnored", with(hostingOnly, crm.KindHint, 60, "security", "shown", "Hint shown: phishing protection."), 1,
			[]string{"backup"}, nil, 0},
		{"DeclinedRecentlySuppressed", with(hostingOnly, crm.KindHint, 100, "backup", "declined", ""), 1,
			[]string{"archive"}, nil, 0},
		{"DeclinedLongAgoOfferedAgain", with(hostingOnly, crm.KindHint, 200, "backup", "declined", ""), 1,
			[]string{"backup"}, []string{"declined 6 months ago"}, 0},
		{"MentionedRecentlySuppressed", with(hostingOnly, crm.KindHint, 10, "backup", "mentioned", ""), 1,
			[]string{"archive"}, nil, 0},
		{"MentionedLongerAgoOfferedAgain", with(hostingOnly, crm.KindHint, 45, "backup", "mentioned", ""), 1,
			[]string{"backup"}, []string{"last mentioned 45 days ago"}, 0},
		{"ShownDoesNotSuppress", with(hostingOnly, crm.KindHint, 1, "backup", "shown", ""), 1,
			[]string{"backup"}, []string{"never offered"}, 0},
		{"OpenLeadSuppresses", with(hostingOnly, crm.KindLead, 300, "backup", "", "Wants a quote."), 1,
			[]string{"archive"}, nil, 0},
		{"FormerClientNone", func(t *testing.T, w hintWorld) crm.Organisation {
			o := w.org(t, "Gone BV", crm.StatusFormer, crm.SubscriptionInput{ServiceCode: "hosting", Status: crm.SubscriptionEnded})
			w.event(t, o, crm.KindNote, 5, "", "", "Lost files, no backup.")
			return o
		}, 0, []string{}, nil, 0},
		{"ProspectFromKeywordOnly", func(t *testing.T, w hintWorld) crm.Organisation {
			o := w.org(t, "Nieuw BV", crm.StatusProspect)
			w.event(t, o, crm.KindCall, 0, "", "", "Looking for a partner to restore deleted files.")
			return o
		}, 0, []string{"backup"}, []string{"prospect", `mentioned "restore" today`, "never offered"}, 1},
		{"ProspectWithoutKeywordNone", func(t *testing.T, w hintWorld) crm.Organisation {
			return w.org(t, "Stil BV", crm.StatusProspect)
		}, 0, []string{}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t)
			w := newHintWorld(t, s)
			o := tt.setup(t, w)
			hs, err := s.Hints(context.Background(), o.ID, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if hs == nil {
				t.Fatal("hints are nil, want an empty slice")
			}
			if got := hintCodes(hs); !slices.Equal(got, tt.want) {
				t.Fatalf("hints %v, want %v (%+v)", got, tt.want, hs)
			}
			if len(hs) == 0 {
				return
			}
			h := hs[0]
			for _, part := range tt.reason {
				if !strings.Contains(h.Reason, part) {
					t.Errorf("reason %q lacks %q", h.Reason, part)
				}
			}
			if tt.score != 0 && h.Score != tt.score {
				t.Errorf("score %v, want %v", h.Score, tt.score)
			}
			if h.Pitch == "" || h.ServiceName == "" || h.ServiceID != w.svc[h.ServiceCode] {
				t.Errorf("hint lacks its service: %+v", h)
			}
			for i := 1; i < len(hs); i++ {
				if hs[i-1].Score < hs[i].Score || hs[i-1].Score == hs[i].Score && hs[i-1].ServiceCode > hs[i].ServiceCode {
					t.Errorf("not ranked: %v", hs)
				}
			}
		})
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		s := openStore(t)
		if _, err := s.Hints(context.Background(), 999, 3); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Fatalf("got %v, want not found", err)
		}
	})

	t.Run("Deterministic", func(t *testing.T) {
		s := openStore(t)
		w := newHintWorld(t, s)
		o := hostingOnly(t, w)
		first := must(s.Hints(context.Background(), o.ID, 10))
		for range 5 {
			if again := must(s.Hints(context.Background(), o.ID, 10)); !reflect.DeepEqual(again, first) {
				t.Fatalf("%v then %v", first, again)
			}
		}
		if first[1].Score != first[2].Score {
			t.Fatalf("archive and monitoring should tie: %v", first)
		}
	})
}

// TestHintsDemo: the product's story. Martijn's company holds only hosting,
// asked about restoring deleted files a fortnight ago, and renews within
// two months: backup comes first, for reasons that name hosting.
func TestHintsDemo(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	sum := must(s.LoadDemo(ctx, crm.DemoOptions{}))
	hs := must(s.Hints(ctx, sum.Story.OrganisationID, 3))
	for _, h := range hs {
		t.Logf("%-10s %.3f  %s", h.ServiceCode, h.Score, h.Reason)
	}
	if len(hs) == 0 || hs[0].ServiceCode != "backup" {
		t.Fatalf("hints %v, want backup first", hintCodes(hs))
	}
	for _, part := range []string{"hosting for 7 years, renews in 40 days", "backup complements hosting", `mentioned "deleted" 14 days ago`, "never offered"} {
		if !strings.Contains(hs[0].Reason, part) {
			t.Errorf("reason %q lacks %q", hs[0].Reason, part)
		}
	}
	// The same facts, for screens in other languages.
	wantReasons := []crm.HintReason{
		{Kind: crm.ReasonHeld, Service: "hosting", Years: 7},
		{Kind: crm.ReasonRenews, Service: "hosting", Days: 40},
		{Kind: crm.ReasonComplements, Service: "backup", Others: []string{"hosting"}},
		{Kind: crm.ReasonMentioned, Keyword: "deleted", Days: 14},
		{Kind: crm.ReasonNeverOffered},
	}
	if !reflect.DeepEqual(hs[0].Reasons, wantReasons) {
		t.Errorf("reasons %+v, want %+v", hs[0].Reasons, wantReasons)
	}

	// The card of a call from Martijn's mobile carries the same hints.
	res := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "demo-1", Event: crm.EventRinging, From: sum.Story.ContactNumber}))
	card := must(s.CardForCall(ctx, res.Call))
	if got := hintCodes(card.Hints); !slices.Equal(got, hintCodes(hs)) {
		t.Errorf("card hints %v, want %v", got, hintCodes(hs))
	}

	// Every organisation: former clients get none, nobody more than three.
	for _, o := range allOrganisations(t, s) {
		hs := must(s.Hints(ctx, o.ID, 0))
		if len(hs) > 3 || o.Status == crm.StatusFormer && len(hs) != 0 {
			t.Errorf("%s (%s): %v", o.Name, o.Status, hintCodes(hs))
		}
	}
}

// TestCardHintsEmpty: a card whose caller is unknown still has a non-nil
// hint list.
func TestCardHintsEmpty(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	res := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "x-1", Event: crm.EventRinging, From: "0513 61 23 45"}))
	card := must(s.CardForCall(ctx, res.Call))
	if card.Hints == nil || len(card.Hints) != 0 {
		t.Fatalf("hints %#v, want empty and non-nil", card.Hints)
	}
}

// TestHintsFollowCatalogueChanges checks that hints, which rank against a
// catalogue kept in memory, show a change to the catalogue at once, made by
// the same store or by another process (another store on the same file).
func TestHintsFollowCatalogueChanges(t *testing.T) {
	ctx := context.Background()
	s, path := openStoreFile(t)
	sum := must(s.LoadDemo(ctx, crm.DemoOptions{}))
	first := func() crm.Hint {
		t.Helper()
		hints := must(s.Hints(ctx, sum.Story.OrganisationID, 3))
		if len(hints) == 0 {
			t.Fatal("the story's client gets no hints")
		}
		return hints[0]
	}
	h := first()
	if again := first(); !reflect.DeepEqual(again, h) {
		t.Fatalf("the same catalogue gave %+v, then %+v", h, again)
	}
	rename := func(st *crm.Store, pitch string) {
		t.Helper()
		var in crm.ServiceInput
		for _, sv := range must(st.Services(ctx)) {
			if sv.Code == h.ServiceCode {
				in = crm.ServiceInput{Code: sv.Code, Name: sv.Name, Pitch: pitch, Keywords: sv.Keywords}
			}
		}
		if err := st.SaveServices(ctx, []crm.ServiceInput{in}); err != nil {
			t.Fatal(err)
		}
	}
	rename(s, "Said by this store.")
	if got := first().Pitch; got != "Said by this store." {
		t.Errorf("after a change by the same store the pitch is %q", got)
	}
	other, err := crm.Open(ctx, crm.Config{Path: path, Phone: s.Phone(), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rename(other, "Said by another process.")
	if got := first().Pitch; got != "Said by another process." {
		t.Errorf("after a change by another store the pitch is %q", got)
	}
}

// TestCardHintsAreTheOrganisationsHints: a card ranks its hints from the
// organisation and subscriptions it has read already; they must be the
// hints Hints reads for itself. The cases are the ones where what a card
// reads differs from what Hints reads: a cancelled subscription (the card
// lists every subscription, Hints reads the active ones), a prospect with
// a stray subscription (which must not make complements speak for it),
// and a former client.
func TestCardHintsAreTheOrganisationsHints(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	w := newHintWorld(t, s)
	cancelledConnectivity := crm.SubscriptionInput{ServiceCode: "connectivity", AnnualValue: 1200_00, Status: crm.SubscriptionCancelled}
	for i, c := range []struct {
		name   string
		status crm.OrgStatus
		subs   []crm.SubscriptionInput
		note   string
	}{
		// Held, internet would bring telephony in on its complement.
		{"Hosting, internet cancelled", crm.StatusActive, []crm.SubscriptionInput{hosting(200), cancelledConnectivity},
			"Asked whether we can restore a deleted file."},
		// Held, hosting would not be hinted although they asked about it.
		{"Prospect with a stray subscription", crm.StatusProspect, []crm.SubscriptionInput{hosting(0)},
			"Asked who could run their server."},
		{"Former client", crm.StatusFormer, []crm.SubscriptionInput{hosting(0)}, "Asked about a server."},
	} {
		o := w.org(t, c.name, c.status, c.subs...)
		number := fmt.Sprintf("+31 20 555 %04d", i)
		must(s.UpdateOrganisation(ctx, o.ID, crm.OrganisationInput{Name: o.Name, Status: o.Status, ClientSince: o.ClientSince,
			AnnualValue: o.AnnualValue, AccountManagerID: o.AccountManagerID, Numbers: []crm.NumberInput{{Raw: number}}}))
		w.event(t, o, crm.KindNote, 3, "", "", c.note)
		call := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: fmt.Sprintf("hints-%d", i), Event: crm.EventRinging, From: number})).Call
		card := must(s.CardForCall(ctx, call))
		if org := card.Recognition.CommonOrganisation(); org == nil || org.ID != o.ID {
			t.Fatalf("%s: the call from %s is not recognised as the organisation: %+v", c.name, number, card.Recognition)
		}
		want := must(s.Hints(ctx, o.ID, crm.DefaultHintLimit))
		if !reflect.DeepEqual(card.Hints, want) {
			t.Errorf("%s: the card's hints %v, Hints %v", c.name, hintCodes(card.Hints), hintCodes(want))
		}
		if c.status != crm.StatusFormer && len(want) == 0 {
			t.Errorf("%s: no hints to compare", c.name)
		}
	}
}
