package crm_test

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// openClockStore opens a register whose clock the test sets, for data
// spread over several days.
func openClockStore(t testing.TB) (*crm.Store, func(time.Time)) {
	t.Helper()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	var clock atomic.Pointer[time.Time]
	set := func(at time.Time) { clock.Store(&at) }
	set(fixedNow)
	s, err := crm.Open(context.Background(), crm.Config{
		Path: filepath.Join(t.TempDir(), "callcard.db"), Phone: n, Now: func() time.Time { return *clock.Load() },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, set
}

func wantCode(t *testing.T, err error, code crm.Code) {
	t.Helper()
	if crm.ErrorCode(err) != code {
		t.Fatalf("got %v (%s), want %s", err, crm.ErrorCode(err), code)
	}
}

func TestRecordHintOutcome(t *testing.T) {
	ctx := context.Background()

	t.Run("InterestedOpensLeadForAccountManager", func(t *testing.T) {
		s := openStore(t)
		w := newHintWorld(t, s)
		o := w.org(t, "Van der Berg", crm.StatusActive, hosting(200))
		martijn := must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: o.ID, Name: "Martijn de Vries"}))
		hint := must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{ContactID: martijn.ID, ServiceCode: "backup",
			Outcome: crm.HintInterested, AuthorID: w.receptionist.ID, CallID: "42", Note: "wants a quote before the renewal"}))
		if hint.Kind != crm.KindHint || hint.Status != "interested" || hint.OrganisationID != o.ID ||
			hint.ServiceID != w.svc["backup"] || hint.CallID != "42" || !strings.Contains(hint.Summary, "wants a quote") {
			t.Fatalf("hint = %+v", hint)
		}
		work := must(s.OpenWork(ctx, w.am.ID))
		if len(work) != 1 {
			t.Fatalf("open work = %+v, want one lead", work)
		}
		lead := work[0]
		if lead.Kind != crm.KindLead || lead.Status != crm.InteractionOpen || lead.AssigneeID != w.am.ID ||
			lead.ServiceCode != "backup" || lead.OriginID != hint.ID || lead.OrganisationName != "Van der Berg" ||
			lead.ContactName != "Martijn de Vries" || lead.AuthorID != w.receptionist.ID ||
			lead.Summary != "Martijn de Vries is interested in Off-site Backup: wants a quote before the renewal" {
			t.Fatalf("lead = %+v", lead)
		}
		// Interest now rests the hint, and a second "interested" opens no second lead.
		if hs := must(s.Hints(ctx, o.ID, 10)); slices.Contains(hintCodes(hs), "backup") {
			t.Errorf("backup still hinted: %v", hintCodes(hs))
		}
		must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: o.ID, ServiceID: w.svc["backup"], Outcome: "interested"}))
		if work := must(s.OpenWork(ctx, w.am.ID)); len(work) != 1 {
			t.Errorf("%d open leads, want 1", len(work))
		}
	})

	t.Run("MentionedOpensNoLead", func(t *testing.T) {
		s := openStore(t)
		w := newHintWorld(t, s)
		o := w.org(t, "Van der Berg", crm.StatusActive, hosting(200))
		h := must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: o.ID, ServiceCode: "Backup ", Outcome: "mentioned"}))
		if h.Summary != "Mentioned Off-site Backup." {
			t.Errorf("summary %q", h.Summary)
		}
		if work := must(s.OpenWork(ctx, w.am.ID)); len(work) != 0 {
			t.Errorf("open work %+v", work)
		}
		if hs := must(s.Hints(ctx, o.ID, 1)); hintCodes(hs)[0] != "archive" {
			t.Errorf("mentioned backup still first: %v", hintCodes(hs))
		}
	})

	t.Run("ShownTwiceInOneCallRecordedOnce", func(t *testing.T) {
		s := openStore(t)
		w := newHintWorld(t, s)
		o := w.org(t, "Van der Berg", crm.StatusActive, hosting(200))
		in := crm.HintOutcomeInput{OrganisationID: o.ID, ServiceCode: "backup", Outcome: "shown", CallID: "9"}
		first := must(s.RecordHintOutcome(ctx, in))
		again := must(s.RecordHintOutcome(ctx, in))
		in.CallID = "10"
		other := must(s.RecordHintOutcome(ctx, in))
		if again.ID != first.ID || other.ID == first.ID {
			t.Fatalf("ids %d, %d, %d", first.ID, again.ID, other.ID)
		}
		if hist := must(s.Interactions(ctx, o.ID, 10)); len(hist) != 2 {
			t.Fatalf("%d entries, want 2", len(hist))
		}
	})

	t.Run("NoAccountManagerGoesToServiceManager", func(t *testing.T) {
		s := openStore(t)
		w := newHintWorld(t, s)
		o := must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Zonder AM"}))
		must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: o.ID, ServiceCode: "backup", Outcome: "interested"}))
		if work := must(s.OpenWork(ctx, w.svm.ID)); len(work) != 1 || work[0].Kind != crm.KindLead {
			t.Fatalf("service manager's work = %+v", work)
		}
	})

	t.Run("ErrNobodyToFollowUp", func(t *testing.T) {
		s := openStore(t)
		must(0, s.SaveServices(ctx, []crm.ServiceInput{{Code: "backup", Name: "Backup"}}))
		o := must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Zonder AM"}))
		_, err := s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: o.ID, ServiceCode: "backup", Outcome: "interested"})
		wantCode(t, err, crm.CodeConflict)
		// All or nothing: the hint was not recorded either.
		if hist := must(s.Interactions(ctx, o.ID, 10)); len(hist) != 0 {
			t.Fatalf("history %+v", hist)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		s := openStore(t)
		w := newHintWorld(t, s)
		o := w.org(t, "Van der Berg", crm.StatusActive)
		other := w.org(t, "Ander BV", crm.StatusActive)
		c := must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: other.ID, Name: "Piet"}))
		for name, in := range map[string]crm.HintOutcomeInput{
			"Outcome":          {OrganisationID: o.ID, ServiceCode: "backup", Outcome: "maybe"},
			"NoService":        {OrganisationID: o.ID, Outcome: "shown"},
			"UnknownService":   {OrganisationID: o.ID, ServiceCode: "nope", Outcome: "shown"},
			"NoOrganisation":   {ServiceCode: "backup", Outcome: "shown"},
			"ContactElsewhere": {OrganisationID: o.ID, ContactID: c.ID, ServiceCode: "backup", Outcome: "shown"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := s.RecordHintOutcome(ctx, in)
				wantCode(t, err, crm.CodeInvalid)
			})
		}
		_, err := s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: 999, ServiceCode: "backup", Outcome: "shown"})
		wantCode(t, err, crm.CodeNotFound)
	})
}

func TestCallbacksAndLeads(t *testing.T) {
	ctx := context.Background()
	s, setClock := openClockStore(t)
	w := newHintWorld(t, s)
	o := w.org(t, "Van der Berg", crm.StatusActive, hosting(200))
	martijn := must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: o.ID, Name: "Martijn de Vries"}))

	setClock(daysBefore(2))
	first := must(s.RequestCallback(ctx, crm.CallbackInput{ContactID: martijn.ID, AuthorID: w.receptionist.ID, CallID: "7"}))
	if first.AssigneeID != w.am.ID || first.Status != crm.InteractionOpen || first.Kind != crm.KindCallback ||
		first.Summary != "Martijn de Vries asked to be called back." || first.AssigneeName != "Sanne Visser" {
		t.Fatalf("callback = %+v", first)
	}
	setClock(daysBefore(1))
	lead := must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: o.ID, Kind: crm.KindLead, AssigneeID: w.am.ID,
		ServiceID: w.svc["backup"], Summary: "Quote for backup"}))
	setClock(fixedNow)
	second := must(s.RequestCallback(ctx, crm.CallbackInput{OrganisationID: o.ID, AssigneeID: w.svm.ID, Message: "About the invoice"}))
	if second.AssigneeID != w.svm.ID || second.Summary != "About the invoice" {
		t.Fatalf("callback = %+v", second)
	}

	t.Run("OpenWorkOldestFirst", func(t *testing.T) {
		work := must(s.OpenWork(ctx, w.am.ID))
		if len(work) != 2 || work[0].ID != first.ID || work[1].ID != lead.ID || work[0].OrganisationName != "Van der Berg" {
			t.Fatalf("work = %+v", work)
		}
		if none := must(s.OpenWork(ctx, w.receptionist.ID)); none == nil || len(none) != 0 {
			t.Fatalf("receptionist's work = %#v, want empty", none)
		}
	})
	t.Run("CompleteOnce", func(t *testing.T) {
		if err := s.CompleteWork(ctx, first.ID, w.am.ID, "Called back; sorted."); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CompleteWork(ctx, first.ID, w.am.ID, ""), crm.CodeConflict)
		work := must(s.OpenWork(ctx, w.am.ID))
		if len(work) != 1 || work[0].ID != lead.ID {
			t.Fatalf("work = %+v", work)
		}
		hist := must(s.Interactions(ctx, o.ID, 10))
		i := slices.IndexFunc(hist, func(it crm.Interaction) bool { return it.ID == first.ID })
		if it := hist[i]; it.Status != crm.InteractionDone || !it.DoneAt.Equal(fixedNow) || it.DoneNote != "Called back; sorted." || it.DoneByID != w.am.ID {
			t.Fatalf("done callback = %+v", it)
		}
	})
	t.Run("ErrNotACallbackOrLead", func(t *testing.T) {
		note := must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: o.ID, Kind: crm.KindNote, Summary: "x"}))
		wantCode(t, s.CompleteWork(ctx, note.ID, w.am.ID, ""), crm.CodeInvalid)
		wantCode(t, s.CompleteWork(ctx, 99999, w.am.ID, ""), crm.CodeNotFound)
		wantCode(t, s.CloseLead(ctx, second.ID, w.am.ID, true, 100, ""), crm.CodeInvalid)
		wantCode(t, s.CloseLead(ctx, lead.ID, w.am.ID, true, -1, ""), crm.CodeInvalid)
		wantCode(t, s.CloseLead(ctx, lead.ID, w.am.ID, false, 100, ""), crm.CodeInvalid)
		wantCode(t, s.CompleteWork(ctx, second.ID, 99999, ""), crm.CodeInvalid)
	})
	t.Run("CloseLeadWon", func(t *testing.T) {
		if err := s.CloseLead(ctx, lead.ID, w.am.ID, true, 1800_00, "Signed for a year"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CloseLead(ctx, lead.ID, w.am.ID, true, 1800_00, ""), crm.CodeConflict)
		hist := must(s.Interactions(ctx, o.ID, 10))
		i := slices.IndexFunc(hist, func(it crm.Interaction) bool { return it.ID == lead.ID })
		if it := hist[i]; it.Outcome != crm.LeadWon || it.Value != 1800_00 || it.Status != crm.InteractionDone {
			t.Fatalf("won lead = %+v", it)
		}
	})
	t.Run("ErrNoAssignee", func(t *testing.T) {
		lone := must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Zonder AM"}))
		_, err := s.RequestCallback(ctx, crm.CallbackInput{OrganisationID: lone.ID})
		wantCode(t, err, crm.CodeInvalid)
		_, err = s.RequestCallback(ctx, crm.CallbackInput{OrganisationID: lone.ID, AssigneeID: 99999})
		wantCode(t, err, crm.CodeInvalid)
	})
}

func TestCareList(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	w := newHintWorld(t, s)
	add := func(name string, status crm.OrgStatus, value crm.Money, lastDaysAgo int) crm.Organisation {
		o := must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: name, Status: status, AnnualValue: value,
			ClientSince: fixedNow.AddDate(-5, 0, -1), AccountManagerID: w.am.ID}))
		if lastDaysAgo >= 0 {
			w.event(t, o, crm.KindCall, lastDaysAgo, "", "", "Called about the invoice.")
		}
		return o
	}
	quiet := add("Quiet BV", crm.StatusActive, 10000_00, 100)
	never := add("Never BV", crm.StatusActive, 50000_00, -1)
	recent := add("Recent BV", crm.StatusActive, 30000_00, 10)
	waiting := add("Waiting BV", crm.StatusActive, 20000_00, 120)
	w.event(t, waiting, crm.KindCallback, 120, "", crm.InteractionOpen, "Please call back.")
	add("Prospect BV", crm.StatusProspect, 0, -1)
	add("Former BV", crm.StatusFormer, 90000_00, 400)
	if err := s.SaveSubscription(ctx, crm.SubscriptionInput{OrganisationID: quiet.ID, ServiceCode: "hosting"}); err != nil {
		t.Fatal(err)
	}

	names := func(items []crm.CareItem) []string {
		out := []string{}
		for _, it := range items {
			out = append(out, it.OrganisationName)
		}
		return out
	}
	t.Run("Default90Days", func(t *testing.T) {
		items := must(s.CareList(ctx, crm.CareOptions{}))
		if got := names(items); !slices.Equal(got, []string{"Never BV", "Quiet BV"}) {
			t.Fatalf("care list %v", got)
		}
		n, q := items[0], items[1]
		if !n.LastContact.IsZero() || n.DaysSinceContact != -1 || n.OrganisationID != never.ID {
			t.Errorf("never = %+v", n)
		}
		if q.DaysSinceContact != 100 || !q.LastContact.Equal(daysBefore(100)) || q.AccountManagerName != "Sanne Visser" ||
			q.Years != 5 || q.AnnualValue != 10000_00 || !slices.Equal(q.Services, []string{"hosting"}) {
			t.Errorf("quiet = %+v", q)
		}
	})
	t.Run("DaysAndLimit", func(t *testing.T) {
		if got := names(must(s.CareList(ctx, crm.CareOptions{Days: 5}))); !slices.Equal(got, []string{"Never BV", "Recent BV", "Quiet BV"}) {
			t.Errorf("5 days: %v", got)
		}
		if got := names(must(s.CareList(ctx, crm.CareOptions{Days: 5, Limit: 2}))); !slices.Equal(got, []string{"Never BV", "Recent BV"}) {
			t.Errorf("limit 2: %v", got)
		}
	})
	t.Run("RecordCare", func(t *testing.T) {
		care := must(s.RecordCare(ctx, quiet.ID, w.svm.ID, "checked_in", "All fine; opening a second office in spring."))
		if care.Kind != crm.KindCare || care.Status != "checked_in" || care.AuthorID != w.svm.ID ||
			care.Summary != "Checked in: all fine: All fine; opening a second office in spring." {
			t.Errorf("care = %+v", care)
		}
		// The service manager who clicked "call now" gets the callback.
		must(s.RecordCare(ctx, never.ID, w.svm.ID, "call_now", ""))
		work := must(s.OpenWork(ctx, w.svm.ID))
		if len(work) != 1 || work[0].Kind != crm.KindCallback || work[0].OrganisationID != never.ID || work[0].OriginID == 0 {
			t.Fatalf("service manager's work = %+v", work)
		}
		// Anyone else's "call now" goes to the account manager.
		must(s.RecordCare(ctx, recent.ID, w.receptionist.ID, "call_now", "Ask about the move"))
		if work := must(s.OpenWork(ctx, w.am.ID)); len(work) != 2 || work[1].OrganisationID != recent.ID {
			t.Fatalf("account manager's work = %+v", work)
		}
		if got := names(must(s.CareList(ctx, crm.CareOptions{}))); len(got) != 0 {
			t.Errorf("care list after check-ins %v, want empty", got)
		}
		_, err := s.RecordCare(ctx, quiet.ID, w.svm.ID, "coffee", "")
		wantCode(t, err, crm.CodeInvalid)
		_, err = s.RecordCare(ctx, 99999, w.svm.ID, "checked_in", "")
		wantCode(t, err, crm.CodeNotFound)
	})
}

// insightData is a small hand-built week, 23 to 27 November 2026, with a
// call on the 22nd and the 28th outside it.
type insightData struct {
	w                    hintWorld
	fatima               crm.Employee
	org                  crm.Organisation
	martijn              crm.Contact
	hintLead, directLead int64
}

func at(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, time.UTC) }

func buildInsightData(t *testing.T) (*crm.Store, insightData) {
	t.Helper()
	ctx := context.Background()
	s, setClock := openClockStore(t)
	var d insightData
	d.w = newHintWorld(t, s)
	w := d.w
	d.fatima = must(s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Fatima el Amrani", Role: crm.RoleReceptionist}))
	d.org = must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Van der Berg", AccountManagerID: w.am.ID,
		AnnualValue: 8400_00, Numbers: []crm.NumberInput{{Raw: "010 428 3700"}}}))
	d.martijn = must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: d.org.ID, Name: "Martijn de Vries",
		Numbers: []crm.NumberInput{{Raw: "06 12345678"}}}))

	call := func(when time.Time, id, from string) {
		setClock(when)
		must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: id, Event: crm.EventRinging, From: from, OccurredAt: when}))
	}
	hint := func(when time.Time, by crm.Employee, callID, service string, outcome crm.HintOutcome) crm.Interaction {
		setClock(when)
		return must(s.RecordHintOutcome(ctx, crm.HintOutcomeInput{OrganisationID: d.org.ID, ServiceCode: service,
			Outcome: outcome, AuthorID: by.ID, CallID: callID}))
	}
	call(at(22, 9), "c0", "06 12345678") // outside the week
	call(at(23, 9), "c1", "06 12345678") // contact
	call(at(23, 11), "c2", "0513 61 23 45")
	call(at(25, 9), "c3", "anonymous")
	call(at(25, 10), "c4", "010 428 3700") // organisation
	call(at(25, 15), "c5", "0513 61 23 46")
	call(at(26, 9), "c6", "06 12345678")
	call(at(28, 9), "c7", "06 12345678") // outside the week

	hint(at(23, 9), w.receptionist, "c1", "backup", crm.HintShown)
	hint(at(23, 9).Add(time.Minute), w.receptionist, "c1", "backup", crm.HintMentioned) // same occasion
	interested := hint(at(25, 10), w.receptionist, "c4", "monitoring", crm.HintInterested)
	hint(at(25, 10), w.receptionist, "c4", "security", crm.HintDeclined)
	hint(at(26, 9), d.fatima, "", "archive", crm.HintShown)
	hint(at(20, 9), w.receptionist, "", "archive", crm.HintMentioned) // outside the week

	for _, it := range must(s.OpenWork(ctx, w.am.ID)) {
		if it.OriginID == interested.ID {
			d.hintLead = it.ID
		}
	}
	setClock(at(24, 9))
	d.directLead = must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: d.org.ID, Kind: crm.KindLead,
		AssigneeID: w.am.ID, ServiceID: w.svc["voip"], Summary: "Wants cloud telephony"})).ID
	lost := must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: d.org.ID, Kind: crm.KindLead,
		AssigneeID: w.am.ID, ServiceID: w.svc["archive"], Summary: "Archive?"})).ID
	cb1 := must(s.RequestCallback(ctx, crm.CallbackInput{OrganisationID: d.org.ID}))
	cb2 := must(s.RequestCallback(ctx, crm.CallbackInput{OrganisationID: d.org.ID, AssigneeID: w.svm.ID}))
	must(s.RequestCallback(ctx, crm.CallbackInput{OrganisationID: d.org.ID})) // stays open

	setClock(at(24, 16))
	must(0, s.CompleteWork(ctx, cb1.ID, w.am.ID, ""))
	setClock(at(25, 12))
	must(s.RecordCare(ctx, d.org.ID, w.svm.ID, "checked_in", ""))
	setClock(at(26, 12))
	must(0, s.CloseLead(ctx, d.directLead, w.am.ID, true, 3000_00, ""))
	must(0, s.CloseLead(ctx, lost, w.am.ID, false, 0, ""))
	setClock(at(27, 12))
	must(0, s.CloseLead(ctx, d.hintLead, w.am.ID, true, 1200_00, ""))
	setClock(at(28, 8))
	must(0, s.CompleteWork(ctx, cb2.ID, w.svm.ID, "")) // outside the week
	setClock(fixedNow)
	return s, d
}

func TestDashboard(t *testing.T) {
	ctx := context.Background()
	s, d := buildInsightData(t)
	if d.hintLead == 0 {
		t.Fatal("no lead from the interested hint")
	}
	got := must(s.Dashboard(ctx, at(23, 0), at(27, 23)))

	var perDay []int
	for i, dc := range got.CallsPerDay {
		perDay = append(perDay, dc.Calls)
		if !dc.Date.Equal(at(23+i, 0)) {
			t.Errorf("day %d is %v", i, dc.Date)
		}
	}
	if !slices.Equal(perDay, []int{2, 0, 3, 1, 0}) {
		t.Errorf("calls per day %v, want [2 0 3 1 0]", perDay)
	}
	if !got.From.Equal(at(23, 0)) || !got.To.Equal(at(27, 0)) {
		t.Errorf("period %v - %v", got.From, got.To)
	}
	if got.Calls != 6 || got.Recognised != 3 || got.Unknown != 2 || got.Withheld != 1 || got.RecognitionRate != 60 {
		t.Errorf("calls %d, recognised %d, unknown %d, withheld %d, rate %v; want 6, 3, 2, 1, 60",
			got.Calls, got.Recognised, got.Unknown, got.Withheld, got.RecognitionRate)
	}
	wantFunnel := crm.HintFunnel{Shown: 4, Mentioned: 3, Declined: 1, Interested: 1, Won: 1, WonValue: 1200_00}
	if got.Funnel != wantFunnel {
		t.Errorf("funnel %+v, want %+v", got.Funnel, wantFunnel)
	}
	if got.LeadsWon != 2 || got.LeadRevenue != 4200_00 || got.CallbacksDone != 1 || got.CareCalls != 1 {
		t.Errorf("leads won %d, revenue %v, callbacks %d, care %d; want 2, 4200, 1, 1",
			got.LeadsWon, got.LeadRevenue, got.CallbacksDone, got.CareCalls)
	}
	// Fatima only had a hint on her screen: no contribution, not listed.
	want := []crm.EmployeeFigures{
		{EmployeeID: d.w.receptionist.ID, Name: "Lotte Bakker", Role: crm.RoleReceptionist,
			HintsMentioned: 3, HintsInterested: 1, HintLeadsWon: 1, HintLeadValue: 1200_00},
		{EmployeeID: d.w.svm.ID, Name: "Peter de Graaf", Role: crm.RoleServiceManager, CareCalls: 1},
		{EmployeeID: d.w.am.ID, Name: "Sanne Visser", Role: crm.RoleAccountManager, LeadsWon: 2, LeadValue: 4200_00, CallbacksDone: 1},
	}
	if !slices.Equal(got.Employees, want) {
		t.Errorf("employees\n got %+v\nwant %+v", got.Employees, want)
	}

	t.Run("MyFigures", func(t *testing.T) {
		mine := must(s.MyFigures(ctx, d.w.receptionist.ID, at(23, 0), at(27, 0)))
		if mine != want[0] {
			t.Errorf("Lotte: %+v", mine)
		}
		// The day after: Peter's callback on the 28th.
		peter := must(s.MyFigures(ctx, d.w.svm.ID, at(28, 0), at(28, 0)))
		if peter.CallbacksDone != 1 || peter.CareCalls != 0 || peter.Name != "Peter de Graaf" {
			t.Errorf("Peter on the 28th: %+v", peter)
		}
		idle := must(s.MyFigures(ctx, d.fatima.ID, at(1, 0), at(2, 0)))
		if idle != (crm.EmployeeFigures{EmployeeID: d.fatima.ID, Name: "Fatima el Amrani", Role: crm.RoleReceptionist}) {
			t.Errorf("idle: %+v", idle)
		}
		_, err := s.MyFigures(ctx, 99999, at(1, 0), at(2, 0))
		wantCode(t, err, crm.CodeNotFound)
	})
	t.Run("EmptyDays", func(t *testing.T) {
		empty := must(s.Dashboard(ctx, at(1, 12), at(3, 12)))
		if len(empty.CallsPerDay) != 3 || empty.Calls != 0 || empty.RecognitionRate != 0 || empty.Employees == nil {
			t.Errorf("empty = %+v", empty)
		}
	})
	t.Run("DaysInLocation", func(t *testing.T) {
		// Days are calendar days where the period is read: the same week in
		// Amsterdam holds the same six calls, and 25 October, when summer
		// time ends, lasts 25 hours.
		ams, err := time.LoadLocation("Europe/Amsterdam")
		if err != nil {
			t.Skip(err)
		}
		week := must(s.Dashboard(ctx, time.Date(2026, 11, 23, 0, 0, 0, 0, ams), time.Date(2026, 11, 27, 0, 0, 0, 0, ams)))
		if week.Calls != 6 || len(week.CallsPerDay) != 5 {
			t.Errorf("Amsterdam week: %d calls over %d days", week.Calls, len(week.CallsPerDay))
		}
		oct := must(s.Dashboard(ctx, time.Date(2026, 10, 24, 0, 0, 0, 0, ams), time.Date(2026, 10, 26, 0, 0, 0, 0, ams)))
		if d := oct.CallsPerDay[2].Date.Sub(oct.CallsPerDay[1].Date); d != 25*time.Hour {
			t.Errorf("25 October lasts %v", d)
		}
	})
	t.Run("ErrPeriod", func(t *testing.T) {
		_, err := s.Dashboard(ctx, at(27, 0), at(23, 0))
		wantCode(t, err, crm.CodeInvalid)
		_, err = s.Dashboard(ctx, at(1, 0), at(1, 0).AddDate(3, 0, 0))
		wantCode(t, err, crm.CodeInvalid)
	})
}

func TestGoals(t *testing.T) {
	ctx := context.Background()
	s, _ := buildInsightData(t)
	date := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }

	t.Run("ErrInvalid", func(t *testing.T) {
		for name, in := range map[string]crm.GoalInput{
			"Title":       {Metric: "leads_won", Target: 1, PeriodStart: date(2026, 1, 1), PeriodEnd: date(2026, 12, 31)},
			"Metric":      {Title: "x", Metric: "happiness", Target: 1, PeriodStart: date(2026, 1, 1), PeriodEnd: date(2026, 12, 31)},
			"Target":      {Title: "x", Metric: "leads_won", Target: 0, PeriodStart: date(2026, 1, 1), PeriodEnd: date(2026, 12, 31)},
			"NaN":         {Title: "x", Metric: "leads_won", Target: math.NaN(), PeriodStart: date(2026, 1, 1), PeriodEnd: date(2026, 12, 31)},
			"Percentage":  {Title: "x", Metric: "recognition_rate", Target: 101, PeriodStart: date(2026, 1, 1), PeriodEnd: date(2026, 12, 31)},
			"NoStart":     {Title: "x", Metric: "leads_won", Target: 1, PeriodEnd: date(2026, 12, 31)},
			"EndBeforeIt": {Title: "x", Metric: "leads_won", Target: 1, PeriodStart: date(2026, 12, 31), PeriodEnd: date(2026, 1, 1)},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := s.SaveGoal(ctx, in)
				wantCode(t, err, crm.CodeInvalid)
			})
		}
		_, err := s.SaveGoal(ctx, crm.GoalInput{ID: 999, Title: "x", Metric: "leads_won", Target: 1,
			PeriodStart: date(2026, 1, 1), PeriodEnd: date(2026, 1, 2)})
		wantCode(t, err, crm.CodeNotFound)
		wantCode(t, s.DeleteGoal(ctx, 999), crm.CodeNotFound)
	})

	revenue := must(s.SaveGoal(ctx, crm.GoalInput{Title: "Q4 new recurring revenue", Metric: "New recurring revenue",
		Target: 10000, PeriodStart: date(2026, 10, 1), PeriodEnd: date(2026, 12, 31)}))
	rate := must(s.SaveGoal(ctx, crm.GoalInput{Title: "Know our callers", Metric: crm.MetricRecognitionRate,
		Target: 50, PeriodStart: date(2026, 11, 23), PeriodEnd: date(2026, 11, 27)}))
	mentions := must(s.SaveGoal(ctx, crm.GoalInput{Title: "Mention what fits", Metric: crm.MetricHintsMentioned,
		Target: 2, PeriodStart: date(2026, 11, 23), PeriodEnd: date(2026, 11, 27)}))
	temp := must(s.SaveGoal(ctx, crm.GoalInput{Title: "Scratch", Metric: crm.MetricCareCalls,
		Target: 5, PeriodStart: date(2027, 1, 1), PeriodEnd: date(2027, 3, 31)}))
	if revenue.Metric != crm.MetricNewRecurringRevenue || !revenue.PeriodEnd.Equal(date(2026, 12, 31)) || revenue.ID == 0 {
		t.Fatalf("saved %+v", revenue)
	}
	updated := must(s.SaveGoal(ctx, crm.GoalInput{ID: temp.ID, Title: "Check-ins Q1", Metric: crm.MetricCareCalls,
		Target: 30, PeriodStart: date(2027, 1, 1), PeriodEnd: date(2027, 3, 31)}))
	if updated.Title != "Check-ins Q1" || updated.Target != 30 {
		t.Fatalf("updated %+v", updated)
	}
	if err := s.DeleteGoal(ctx, temp.ID); err != nil {
		t.Fatal(err)
	}
	goals := must(s.Goals(ctx))
	if len(goals) != 3 || goals[0].ID != revenue.ID {
		t.Fatalf("goals %+v", goals)
	}

	progress := must(s.GoalProgress(ctx, fixedNow))
	byID := map[int64]crm.GoalProgress{}
	for _, p := range progress {
		byID[p.ID] = p
	}
	// Q4: €4,200 of €10,000 won, 58 days and 10 hours of 92 gone.
	rev := byID[revenue.ID]
	elapsed := (58*24 + 10) / (92 * 24.0)
	if rev.Current != 4200 || rev.Share != 0.42 || math.Abs(rev.Elapsed-elapsed) > 1e-9 || rev.OnTrack || !rev.Active {
		t.Errorf("revenue %+v, elapsed want %v", rev, elapsed)
	}
	if r := byID[rate.ID]; r.Current != 60 || !r.OnTrack || r.Active || r.Elapsed != 1 {
		t.Errorf("rate %+v", r)
	}
	if m := byID[mentions.ID]; m.Current != 3 || m.Share != 1.5 || !m.OnTrack {
		t.Errorf("mentions %+v", m)
	}

	t.Run("RoleContributions", func(t *testing.T) {
		must(0, s.SaveRoleContribution(ctx, crm.RoleServiceManager, "Call three good clients a week, just to ask how it goes."))
		must(0, s.SaveRoleContribution(ctx, "Receptionist", "Greet callers by name; mention the one service that fits."))
		must(0, s.SaveRoleContribution(ctx, crm.RoleEngineer, "temporary"))
		must(0, s.SaveRoleContribution(ctx, crm.RoleEngineer, "  "))
		got := must(s.RoleContributions(ctx))
		if len(got) != 2 || got[0].Role != crm.RoleReceptionist || got[1].Role != crm.RoleServiceManager ||
			!strings.HasPrefix(got[0].Text, "Greet callers") || !got[0].UpdatedAt.Equal(fixedNow) {
			t.Fatalf("contributions %+v", got)
		}
		wantCode(t, s.SaveRoleContribution(ctx, "cleaner", "x"), crm.CodeInvalid)
	})
}
