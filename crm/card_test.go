package crm_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/callcard/callcard/crm"
)

// TestCardHistory: a card's history is what happened before the call and
// what was noted during it, not the call's own entry; the call shows in the
// history of the next one.
func TestCardHistory(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	sum := must(s.LoadDemo(ctx, crm.DemoOptions{}))
	ring := func(ref string) crm.Call {
		t.Helper()
		return must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: ref, Event: crm.EventRinging, From: sum.Story.ContactNumber})).Call
	}
	entry := func(history []crm.Interaction, kind crm.InteractionKind, call crm.Call) bool {
		for _, it := range history {
			if it.Kind == kind && it.CallID == strconv.FormatInt(call.ID, 10) {
				return true
			}
		}
		return false
	}

	first := ring("h-1")
	if all := must(s.Interactions(ctx, sum.Story.OrganisationID, 50)); !entry(all, crm.KindCall, first) {
		t.Fatal("the call has no history entry at all")
	}
	card := must(s.CardForCall(ctx, first))
	if entry(card.History, crm.KindCall, first) {
		t.Error("the card lists the call it is the card of")
	}
	must(s.AddInteraction(ctx, crm.InteractionInput{OrganisationID: sum.Story.OrganisationID, ContactID: sum.Story.ContactID,
		Kind: crm.KindNote, OccurredAt: first.CreatedAt, CallID: strconv.FormatInt(first.ID, 10), Summary: "Wants a backup quote."}))
	card = must(s.CardForCall(ctx, first))
	if !entry(card.History, crm.KindNote, first) {
		t.Error("a note taken during the call is not on its card")
	}
	if len(card.History) != min(crm.CardHistory, len(must(s.Interactions(ctx, sum.Story.OrganisationID, 50)))-1) {
		t.Errorf("the card lists %d entries, want as many as there are before the call, at most %d", len(card.History), crm.CardHistory)
	}

	second := must(s.CardForCall(ctx, ring("h-2")))
	if !entry(second.History, crm.KindCall, first) {
		t.Error("the next call's card does not list the first call")
	}
}

// TestShortReadsUnderACancelledContext: a recognition, a ringing call or a
// card asked for by a request that has just gone is read to the end
// (shortRead), the same as under a live context, not cut off by a context
// error half-way.
func TestShortReadsUnderACancelledContext(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	sum := must(s.LoadDemo(ctx, crm.DemoOptions{}))
	gone, cancel := context.WithCancel(ctx)
	cancel()

	// First under the cancelled context, so that the recognition is not
	// answered from the recognition cache but read.
	org := must(s.Organisation(ctx, sum.Story.OrganisationID))
	if len(org.Numbers) == 0 {
		t.Fatal("the demo story's organisation has no number to recognise")
	}
	r, err := s.Recognise(gone, org.Numbers[0].E164)
	if err != nil {
		t.Fatalf("recognising under a cancelled context: %v", err)
	}
	if o := r.CommonOrganisation(); o == nil || o.ID != org.ID {
		t.Fatalf("recognised %+v under a cancelled context, want %s", r, org.Name)
	}

	// The caller is not recognised yet, and the call was forwarded by an
	// employee: the webhook reads both.
	if _, err := s.RecordCallEvent(gone, crm.CallEventInput{ExternalID: "gone-1", Event: crm.EventRinging, From: sum.Story.ContactNumber,
		ForwardedFrom: "06 2345 6789"}); err != nil {
		t.Fatalf("ringing call under a cancelled context: %v", err)
	}
	got, err := s.Card(gone, "gone-1")
	if err != nil {
		t.Fatalf("card under a cancelled context: %v", err)
	}
	want := must(s.Card(ctx, "gone-1"))
	if len(want.Services) == 0 || len(want.History) == 0 || len(want.Hints) == 0 {
		t.Fatalf("the demo story's card has %d services, %d history entries and %d hints: too thin to compare",
			len(want.Services), len(want.History), len(want.Hints))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the card under a cancelled context differs:\n got %+v\nwant %+v", got, want)
	}
}
