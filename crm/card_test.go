package crm_test

import (
	"context"
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
