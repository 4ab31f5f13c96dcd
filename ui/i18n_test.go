package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// TestHintReasonWords: over every hint of every client in the demo
// register, the English messages say a hint's reasons exactly as the
// register does, every kind of reason gets said, and the Dutch say none of
// it in English.
func TestHintReasonWords(t *testing.T) {
	ctx := context.Background()
	s := openRegister(t)
	if _, err := s.LoadDemo(ctx, crm.DemoOptions{}); err != nil {
		t.Fatal(err)
	}
	orgs, err := s.SearchOrganisations(ctx, "", 500)
	if err != nil {
		t.Fatal(err)
	}
	// Hints offered before, long enough ago to be offered again.
	for i, o := range orgs[:20] {
		hints, err := s.Hints(ctx, o.ID, 10)
		if err != nil || len(hints) == 0 {
			continue
		}
		outcome, ago := crm.HintDeclined, 200
		if i%2 == 0 {
			outcome, ago = crm.HintMentioned, 45
		}
		if _, err := s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: o.ID, Kind: crm.KindHint, Status: string(outcome),
			ServiceID: hints[0].ServiceID, OccurredAt: time.Now().AddDate(0, 0, -ago), Summary: "offered"}); err != nil {
			t.Fatal(err)
		}
	}
	locales := newLocales(time.UTC)
	en, nl := locales[langEN], locales[langNL]
	seen := map[crm.HintReasonKind]int{}
	english := []string{" for ", "complements", "renews", "mentioned", "never", "declined", "ago", " days", "today", "yesterday"}
	for _, o := range orgs {
		hints, err := s.Hints(ctx, o.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hints {
			for _, r := range h.Reasons {
				seen[r.Kind]++
			}
			if got := en.hintReasonWords(h); got != h.Reason {
				t.Errorf("%s, %s: English messages say %q, the register %q", o.Name, h.ServiceCode, got, h.Reason)
			}
			if got := en.HintReason(h); got != h.Reason {
				t.Errorf("%s, %s: the English card says %q, the register %q", o.Name, h.ServiceCode, got, h.Reason)
			}
			dutch := nl.HintReason(h)
			for _, word := range english {
				if strings.Contains(dutch, word) {
					t.Errorf("%s, %s: the Dutch %q says %q (from %q)", o.Name, h.ServiceCode, dutch, word, h.Reason)
				}
			}
		}
	}
	for _, k := range []crm.HintReasonKind{crm.ReasonProspect, crm.ReasonHeld, crm.ReasonComplements, crm.ReasonRenews,
		crm.ReasonMentioned, crm.ReasonNeverOffered, crm.ReasonDeclined, crm.ReasonLastMentioned} {
		if seen[k] == 0 {
			t.Errorf("no hint in the demo register rests on %q, so its words are not checked here", k)
		}
	}
	t.Logf("reasons checked: %v", seen)
}

// TestHintReasonDutch: the story's hint in Dutch.
func TestHintReasonDutch(t *testing.T) {
	nl := newLocales(time.UTC)[langNL]
	h := crm.Hint{Reason: "(English)", Reasons: []crm.HintReason{
		{Kind: crm.ReasonHeld, Service: "hosting", Years: 7},
		{Kind: crm.ReasonRenews, Service: "hosting", Days: 40},
		{Kind: crm.ReasonComplements, Service: "backup", Others: []string{"hosting", "monitoring"}},
		{Kind: crm.ReasonMentioned, Keyword: "deleted", Days: 14},
		{Kind: crm.ReasonDeclined, Days: 95},
	}}
	want := `hosting al 7 jaar, verlengt over 40 dagen; backup past bij hosting en monitoring; "deleted" genoemd 14 dagen geleden; afgeslagen 3 maanden geleden`
	if got := nl.HintReason(h); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestRelationWords: what the employee a caller asks for is to the
// caller's company, in each language; English as the register says it.
func TestRelationWords(t *testing.T) {
	ctx := context.Background()
	s := openRegister(t)
	am, err := s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Role: crm.RoleAccountManager, Numbers: []crm.NumberInput{{Raw: "06 23456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Daan de Boer", Role: crm.RoleEngineer, Numbers: []crm.NumberInput{{Raw: "06 34567890"}}})
	if err != nil {
		t.Fatal(err)
	}
	org, err := s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme BV", AccountManagerID: am.ID,
		Numbers: []crm.NumberInput{{Raw: "020 794 6000"}}})
	if err != nil {
		t.Fatal(err)
	}
	locales := newLocales(time.UTC)
	en, nl := locales[langEN], locales[langNL]
	card := func(ref, forwardedFrom string) *crm.CallingFor {
		t.Helper()
		res, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: ref, Event: crm.EventRinging, From: "020 794 6000", ForwardedFrom: forwardedFrom})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.CardForCall(ctx, res.Call)
		if err != nil || c.CallingFor == nil {
			t.Fatalf("card of %s: calling for %v, %v", ref, c.CallingFor, err)
		}
		return c.CallingFor
	}
	check := func(cf *crm.CallingFor, wantEN, wantNL string) {
		t.Helper()
		if got := en.relationWords(cf); got != cf.Relation || got != wantEN {
			t.Errorf("English messages say %q, the register %q, want %q", got, cf.Relation, wantEN)
		}
		if got := nl.Relation(cf); got != wantNL {
			t.Errorf("Dutch: %q, want %q", got, wantNL)
		}
	}
	check(card("r1", "06 23456789"), "account manager", "accountmanager")
	check(card("r2", "06 34567890"), "engineer", "engineer")
	if _, err := s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: org.ID, Kind: crm.KindNote, AuthorID: eng.ID,
		OccurredAt: time.Now().AddDate(0, 0, -12), Summary: "Replaced the router."}); err != nil {
		t.Fatal(err)
	}
	check(card("r3", "06 34567890"), "engineer, last in touch 12 days ago", "engineer, 12 dagen geleden voor het laatst contact")
}

// openRegister opens an empty register in a file of the test's own.
func openRegister(t *testing.T) *crm.Store {
	t.Helper()
	n, err := phone.New(phone.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := crm.Open(context.Background(), crm.Config{Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
