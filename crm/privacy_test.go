package crm_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// clock is a test clock that can be moved.
type privacyClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *privacyClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *privacyClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// openPrivacyStore opens a fresh register on the given clock and returns it
// with the path of its file, for tests that look at the raw tables.
func openPrivacyStore(t testing.TB, now func() time.Time) (*crm.Store, string) {
	t.Helper()
	n, err := phone.New(phone.Config{DefaultRegion: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "callcard.db")
	s, err := crm.Open(context.Background(), crm.Config{Path: path, Phone: n, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// privacyRawDB opens the register's file directly, read-only, to look at what is
// really stored.
func privacyRawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// privacyTextAnywhere lists every table and column whose stored text contains one
// of the needles.
func privacyTextAnywhere(t testing.TB, db *sql.DB, needles ...string) []string {
	t.Helper()
	tables, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	var found []string
	for _, table := range names {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var s string
				switch v := v.(type) {
				case string:
					s = v
				case []byte:
					s = string(v)
				default:
					continue
				}
				for _, n := range needles {
					if strings.Contains(strings.ToLower(s), strings.ToLower(n)) {
						found = append(found, fmt.Sprintf("%s.%s = %q", table, cols[i], s))
					}
				}
			}
		}
		rows.Close()
	}
	return found
}

// privacyFixture is Martijn at Acme with history in every shape erasure
// and subject access must find.
type privacyFixture struct {
	register
	user          crm.User
	martijnCall   crm.Call
	evaCall       crm.Call
	linkedNote    crm.Interaction
	namingNote    crm.Interaction
	firstNameNote crm.Interaction
	unrelatedNote crm.Interaction
	evaNote       crm.Interaction
}

func seedPrivacy(t *testing.T, s *crm.Store) privacyFixture {
	t.Helper()
	ctx := context.Background()
	f := privacyFixture{register: seedRegister(t, s)}
	f.user = must(s.CreateUser(ctx, crm.UserInput{Username: "admin", Password: "a long enough password", Role: crm.RoleAdmin}))
	f.martijnCall = must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "m1", Event: crm.EventRinging,
		From: "+31612345678", ForwardedFrom: "06 55501234"})).Call
	f.evaCall = must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "e1", Event: crm.EventRinging,
		From: "020 794 6000"})).Call
	f.linkedNote = must(s.AddInteraction(ctx, crm.InteractionInput{ContactID: f.martijn.ID, Kind: crm.KindNote,
		Summary: "Wants a quote for backup; prefers e-mail."}))
	f.namingNote = must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: f.acme.ID, Kind: crm.KindNote,
		Summary: "Spoke to martijn de vries about the move."}))
	f.firstNameNote = must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: f.acme.ID, Kind: crm.KindVisit,
		Summary: "Visited; Martijn showed the new server room."}))
	f.unrelatedNote = must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: f.acme.ID, Kind: crm.KindNote,
		Summary: "Invoice address changed to the new office."}))
	f.evaNote = must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: f.acme.ID, Kind: crm.KindNote,
		Summary: "Eva asked for a second screen."}))
	if it, ok := privacyCallEntry(t, s, f.acme.ID, f.martijnCall.ID); !ok || !strings.Contains(it.Summary, "06 12345678") {
		t.Fatalf("the call's history entry: %+v", it)
	}
	must(0, s.Audit(ctx, crm.AuditEntry{UserID: f.user.ID, Action: crm.AuditCardOpened, SubjectKind: "call", SubjectID: f.martijnCall.ID}))
	return f
}

// privacyCallEntry finds the history entry of a call, stored or read from
// the call.
func privacyCallEntry(t *testing.T, s *crm.Store, orgID, callID int64) (crm.Interaction, bool) {
	t.Helper()
	for _, it := range must(s.Interactions(context.Background(), orgID, 1000)) {
		if it.Kind == crm.KindCall && it.CallID == fmt.Sprint(callID) {
			return it, true
		}
	}
	return crm.Interaction{}, false
}

func privacyInteraction(t *testing.T, s *crm.Store, orgID, id int64) crm.Interaction {
	t.Helper()
	for _, it := range must(s.Interactions(context.Background(), orgID, 1000)) {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no interaction %d", id)
	return crm.Interaction{}
}

func TestEraseContact(t *testing.T) {
	ctx := context.Background()
	s, path := openPrivacyStore(t, func() time.Time { return fixedNow })
	f := seedPrivacy(t, s)

	rep, err := s.EraseContact(ctx, f.martijn.ID, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Two numbers; the linked note, the call's entry and the two notes
	// naming him; one call.
	if rep.Numbers != 2 || rep.Interactions != 4 || rep.Calls != 1 || rep.OrganisationID != f.acme.ID || rep.AuditID == 0 {
		t.Fatalf("report = %+v", rep)
	}

	t.Run("NumberUnknown", func(t *testing.T) {
		r := must(s.Recognise(ctx, "06 12345678"))
		if r.Match != crm.MatchUnknown {
			t.Fatalf("after erasure 06 12345678 is %s, want unknown", r.Match)
		}
		if _, err := s.Contact(ctx, f.martijn.ID); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Fatalf("contact still readable: %v", err)
		}
	})
	t.Run("HistoryBlanked", func(t *testing.T) {
		for _, id := range []int64{f.linkedNote.ID, f.namingNote.ID, f.firstNameNote.ID} {
			it := privacyInteraction(t, s, f.acme.ID, id)
			if it.Summary != "" || it.DoneNote != "" || it.ContactID != 0 {
				t.Errorf("entry %d kept %q (contact %d)", id, it.Summary, it.ContactID)
			}
		}
		// The call's entry, read from the call until the erasure, is
		// stored and blanked with the others.
		if it, ok := privacyCallEntry(t, s, f.acme.ID, f.martijnCall.ID); !ok || it.ID == 0 || it.Summary != "" || it.ContactID != 0 {
			t.Errorf("the call's entry after erasure: %+v (found %v)", it, ok)
		}
		for _, keep := range []crm.Interaction{f.unrelatedNote, f.evaNote} {
			if it := privacyInteraction(t, s, f.acme.ID, keep.ID); it.Summary != keep.Summary {
				t.Errorf("entry %d changed to %q, want %q", keep.ID, it.Summary, keep.Summary)
			}
		}
	})
	t.Run("CallsAnonymised", func(t *testing.T) {
		c := must(s.CallByRef(ctx, "m1"))
		if c.From != (crm.CallNumber{}) || c.ContactID != 0 || c.Match != crm.MatchOrganisation || c.OrganisationID != f.acme.ID {
			t.Fatalf("call after erasure = %+v", c)
		}
		if ev := must(s.LiveEventsSince(ctx, 0, 100)); ev[0].From != "" || ev[0].ContactName != "" ||
			ev[0].DisplayName != "Acme Logistiek BV" {
			t.Fatalf("live event after erasure = %+v", ev[0])
		}
		if other := must(s.CallByRef(ctx, "e1")); other.From.E164 != "+31207946000" {
			t.Fatalf("another caller's call was changed: %+v", other.From)
		}
	})
	t.Run("NothingLeftAnywhere", func(t *testing.T) {
		if found := privacyTextAnywhere(t, privacyRawDB(t, path), "Martijn", "12345678", "7946112", "794 6112"); len(found) > 0 {
			t.Fatalf("personal data left after erasure:\n%s", strings.Join(found, "\n"))
		}
	})
	t.Run("AuditWithoutPersonalData", func(t *testing.T) {
		log := must(s.AuditLog(ctx, 10, 0))
		var e crm.AuditEntry
		for _, x := range log {
			if x.ID == rep.AuditID {
				e = x
			}
		}
		if e.Action != crm.AuditContactErased || e.SubjectKind != "contact" || e.SubjectID != f.martijn.ID ||
			e.UserID != f.user.ID || e.Detail != "2 numbers, 4 history entries, 1 calls" {
			t.Fatalf("audit entry = %+v", e)
		}
	})
	t.Run("AgainNotFound", func(t *testing.T) {
		if _, err := s.EraseContact(ctx, f.martijn.ID, f.user.ID); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Fatalf("second erasure: %v, want not found", err)
		}
	})
}

func TestSubjectAccessExport(t *testing.T) {
	ctx := context.Background()
	s, _ := openPrivacyStore(t, func() time.Time { return fixedNow })
	f := seedPrivacy(t, s)
	sa, err := s.SubjectAccessExport(ctx, f.martijn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sa.Contact.Name != "Martijn de Vries" || sa.Contact.JobTitle != "ICT-manager" || sa.Organisation != "Acme Logistiek BV" {
		t.Fatalf("contact = %+v at %q", sa.Contact, sa.Organisation)
	}
	if len(sa.Numbers) != 2 || sa.Numbers[0].Number != "+31612345678" {
		t.Fatalf("numbers = %+v", sa.Numbers)
	}
	summaries := map[string]bool{}
	for _, it := range sa.Interactions {
		summaries[it.Summary] = it.LinkedToYou
	}
	for _, want := range []string{f.linkedNote.Summary, f.namingNote.Summary, f.firstNameNote.Summary} {
		if _, ok := summaries[want]; !ok {
			t.Errorf("history lacks %q: %+v", want, sa.Interactions)
		}
	}
	if !summaries[f.linkedNote.Summary] || summaries[f.namingNote.Summary] {
		t.Errorf("linked flags wrong: %v", summaries)
	}
	if _, ok := summaries[f.unrelatedNote.Summary]; ok {
		t.Errorf("history holds an entry about someone else")
	}
	if len(sa.Interactions) != 4 {
		t.Errorf("%d history entries, want 4", len(sa.Interactions))
	}
	if len(sa.Calls) != 1 || sa.Calls[0].From != "+31612345678" || sa.Calls[0].CallingFor != "Sanne Visser" {
		t.Fatalf("calls = %+v", sa.Calls)
	}
	if len(sa.Accesses) != 1 || sa.Accesses[0].Action != crm.AuditCardOpened || sa.Accesses[0].By != "admin" {
		t.Fatalf("accesses = %+v", sa.Accesses)
	}
	body, err := json.Marshal(sa)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"Martijn de Vries"`, `"number":"+31612345678"`, `"history":[`, `"calls":[`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("JSON lacks %s:\n%s", want, body)
		}
	}
	if _, err := s.SubjectAccessExport(ctx, 999); crm.ErrorCode(err) != crm.CodeNotFound {
		t.Fatalf("unknown contact: %v", err)
	}
}

func TestAnonymiseCallsOlderThan(t *testing.T) {
	ctx := context.Background()
	clk := &privacyClock{t: fixedNow.AddDate(-3, 0, 0)}
	s, _ := openPrivacyStore(t, clk.now)
	r := seedRegister(t, s)
	old := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "old", Event: crm.EventRinging, From: "06 12345678"})).Call
	clk.set(fixedNow.AddDate(0, -1, 0))
	recent := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "recent", Event: crm.EventRinging, From: "06 12345678"})).Call
	clk.set(fixedNow)

	n, err := s.AnonymiseCallsOlderThan(ctx, fixedNow.Add(-crm.DefaultRetention))
	if err != nil || n != 1 {
		t.Fatalf("anonymised %d calls (%v), want 1", n, err)
	}
	if c := must(s.CallByRef(ctx, "old")); c.From != (crm.CallNumber{}) || c.ContactID != r.martijn.ID {
		t.Fatalf("old call = %+v (contact %d)", c.From, c.ContactID)
	}
	if c := must(s.CallByRef(ctx, "recent")); c.From.E164 != "+31612345678" {
		t.Fatalf("recent call lost its number: %+v", c.From)
	}
	for _, it := range must(s.Interactions(ctx, r.acme.ID, 100)) {
		switch it.CallID {
		case fmt.Sprint(old.ID):
			if strings.Contains(it.Summary, "12345678") || !strings.Contains(it.Summary, "(number removed)") {
				t.Errorf("old call's entry: %q", it.Summary)
			}
		case fmt.Sprint(recent.ID):
			if !strings.Contains(it.Summary, "06 12345678") {
				t.Errorf("recent call's entry: %q", it.Summary)
			}
		}
	}
	if n, err := s.AnonymiseCallsOlderThan(ctx, fixedNow.Add(-crm.DefaultRetention)); err != nil || n != 0 {
		t.Fatalf("second run anonymised %d (%v), want 0", n, err)
	}
	log := must(s.AuditLog(ctx, 10, 0))
	if len(log) != 1 || log[0].Action != crm.AuditCallsAnonymised || log[0].Actor != "retention" {
		t.Fatalf("audit log = %+v", log)
	}
}

func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	s, path := openPrivacyStore(t, func() time.Time { return fixedNow })
	for i := 1; i <= 5; i++ {
		must(0, s.Audit(ctx, crm.AuditEntry{Actor: "token pbx", Action: crm.AuditCardOpened, SubjectKind: "call", SubjectID: int64(i)}))
	}
	t.Run("Paged", func(t *testing.T) {
		page := must(s.AuditLog(ctx, 3, 0))
		if len(page) != 3 || page[0].SubjectID != 5 || page[2].SubjectID != 3 {
			t.Fatalf("first page = %+v", page)
		}
		next := must(s.AuditLog(ctx, 3, page[2].ID))
		if len(next) != 2 || next[0].SubjectID != 2 || next[1].Who() != "token pbx" {
			t.Fatalf("second page = %+v", next)
		}
	})
	t.Run("ErrActionRequired", func(t *testing.T) {
		if err := s.Audit(ctx, crm.AuditEntry{}); crm.ErrorCode(err) != crm.CodeInvalid {
			t.Fatalf("entry without action: %v", err)
		}
	})
	t.Run("AppendOnly", func(t *testing.T) {
		db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`UPDATE audit_log SET detail = 'x'`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update: %v", err)
		}
		if _, err := db.Exec(`DELETE FROM audit_log`); err == nil {
			t.Fatal("the audit log could be deleted")
		}
	})
}
