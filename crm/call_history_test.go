package crm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// TestCallHistoryReadFromCall checks the entry of a recognised call: a
// ringing call writes no history row, yet the organisation's history, its
// care list and a subject-access export show the call's entry as before; a
// call whose entry was stored (a register from before) shows it once.
func TestCallHistoryReadFromCall(t *testing.T) {
	ctx := context.Background()
	clock := fixedNow.AddDate(0, 0, -10)
	s, path := openPrivacyStore(t, func() time.Time { return clock })
	r := seedRegister(t, s)
	old := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "h0", Event: crm.EventRinging, From: "06 12345678"})).Call
	stored := must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: r.acme.ID, ContactID: r.martijn.ID, Kind: crm.KindCall,
		OccurredAt: clock, CallID: fmt.Sprint(old.ID), Summary: "Incoming call (stored before)"}))
	note := must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: r.acme.ID, Kind: crm.KindNote,
		OccurredAt: fixedNow.AddDate(0, 0, -9), Summary: "Asked about backup."}))
	clock = fixedNow.AddDate(0, 0, -3)
	call := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "h1", Event: crm.EventRinging,
		From: "06 12345678", ForwardedFrom: "06 55501234"})).Call
	var rows int
	if err := privacyRawDB(t, path).QueryRow(`SELECT count(*) FROM interactions WHERE call_id = ?`, fmt.Sprint(call.ID)).
		Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("a ringing call wrote %d history rows (%v), want none", rows, err)
	}

	hist := must(s.Interactions(ctx, r.acme.ID, 10))
	if len(hist) != 3 {
		t.Fatalf("history = %+v, want two calls and the note", hist)
	}
	got := hist[0]
	want := crm.Interaction{OrganisationID: r.acme.ID, ContactID: r.martijn.ID, Kind: crm.KindCall,
		OccurredAt: fixedNow.AddDate(0, 0, -3), CallID: fmt.Sprint(call.ID),
		Summary: "Incoming call from 06 12345678 for Sanne Visser", OrganisationName: "Acme Logistiek BV", ContactName: "Martijn de Vries"}
	if got != want {
		t.Errorf("the call's entry\n%+v, want\n%+v", got, want)
	}
	if hist[1].ID != note.ID || hist[2].ID != stored.ID || hist[2].Summary != stored.Summary {
		t.Errorf("then the note and the stored entry, once: %+v", hist[1:])
	}
	if short := must(s.Interactions(ctx, r.acme.ID, 1)); len(short) != 1 || short[0] != want {
		t.Errorf("limit 1: %+v", short)
	}

	// The call three days ago is the organisation's last contact: it is
	// on the care list of two days, not on that of five.
	clock = fixedNow
	onList := func(days int) bool {
		for _, it := range must(s.CareList(ctx, crm.CareOptions{Days: days})) {
			if it.OrganisationID == r.acme.ID {
				return true
			}
		}
		return false
	}
	if onList(5) || !onList(2) {
		t.Errorf("care list: on that of 5 days %v, of 2 days %v; want off, on", onList(5), onList(2))
	}

	sa := must(s.SubjectAccessExport(ctx, r.martijn.ID))
	found := 0
	for _, it := range sa.Interactions {
		if it.Kind == string(crm.KindCall) && (it.Summary == want.Summary || it.Summary == stored.Summary) {
			found++
		}
	}
	if found != 2 {
		t.Errorf("export: %d call entries, want 2: %+v", found, sa.Interactions)
	}
}
