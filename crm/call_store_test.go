package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

func TestRecordCallEvent(t *testing.T) {
	ctx := context.Background()
	t.Run("RingingRecognisesAndRecordsHistory", func(t *testing.T) {
		s := openStore(t)
		r := seedRegister(t, s)
		res := must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "c1", Event: crm.EventRinging,
			From: "sip:+31612345678@pbx", To: "020 794 6000", ForwardedFrom: "<sip:+31655501234@pbx>;reason=unconditional;counter=1"}))
		if res.Duplicate || res.Live.ID == 0 {
			t.Fatalf("first delivery: duplicate=%v live id=%d", res.Duplicate, res.Live.ID)
		}
		if res.Call.Match != crm.MatchContact || res.Call.ContactID != r.martijn.ID || res.Call.CallingForID != r.am.ID {
			t.Fatalf("call = %+v", res.Call)
		}
		if res.Live.DisplayName != "Martijn de Vries (Acme Logistiek BV)" || res.Live.CallingForName != "Sanne Visser" {
			t.Fatalf("live event = %+v", res.Live)
		}
		hist := must(s.Interactions(ctx, r.acme.ID, 10))
		if len(hist) != 1 || hist[0].Kind != crm.KindCall || hist[0].ContactID != r.martijn.ID {
			t.Fatalf("history = %+v, want one call by Martijn", hist)
		}
		card := must(s.Card(ctx, "c1"))
		if card.CallingFor == nil || card.CallingFor.Relation != "account manager" {
			t.Fatalf("calling for = %+v, want the account manager", card.CallingFor)
		}
	})
	t.Run("DuplicateStoredOnce", func(t *testing.T) {
		s := openStore(t)
		in := crm.CallEventInput{ExternalID: "dup", Event: crm.EventRinging, From: "0612345678"}
		first := must(s.RecordCallEvent(ctx, in))
		second := must(s.RecordCallEvent(ctx, in))
		if !second.Duplicate || second.Call.ID != first.Call.ID {
			t.Fatalf("second delivery: %+v", second)
		}
		if evs := must(s.LiveEventsSince(ctx, 0, 100)); len(evs) != 1 {
			t.Fatalf("%d events stored, want 1", len(evs))
		}
	})
	t.Run("OutOfOrderGivesOneConsistentRecord", func(t *testing.T) {
		base := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		orders := map[string][]crm.CallEvent{
			"InOrder":       {crm.EventRinging, crm.EventAnswered, crm.EventEnded},
			"EndedFirst":    {crm.EventEnded, crm.EventRinging, crm.EventAnswered},
			"AnsweredFirst": {crm.EventAnswered, crm.EventEnded, crm.EventRinging},
		}
		offset := map[crm.CallEvent]time.Duration{crm.EventRinging: 0, crm.EventAnswered: 5 * time.Second, crm.EventEnded: 95 * time.Second}
		for name, order := range orders {
			t.Run(name, func(t *testing.T) {
				s := openStore(t)
				for _, ev := range order {
					must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "x", Event: ev, From: "0612345678",
						OccurredAt: base.Add(offset[ev])}))
				}
				calls := must(s.Calls(ctx, time.Time{}, 10))
				if len(calls) != 1 {
					t.Fatalf("%d call records, want 1", len(calls))
				}
				c := calls[0]
				if c.Status != crm.CallEnded || !c.RingingAt.Equal(base) || !c.AnsweredAt.Equal(base.Add(5*time.Second)) ||
					!c.EndedAt.Equal(base.Add(95*time.Second)) || c.From.E164 != "+31612345678" {
					t.Fatalf("call = %+v", c)
				}
			})
		}
	})
	t.Run("MissedUnlessAnswered", func(t *testing.T) {
		s := openStore(t)
		must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "m", Event: crm.EventMissed, From: "0612345678"}))
		c := must(s.CallByRef(ctx, "m"))
		if c.Status != crm.CallMissed {
			t.Fatalf("status = %s, want missed", c.Status)
		}
		// A late 'answered' (out of order) turns it into an ended call.
		must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "m", Event: crm.EventAnswered}))
		if c = must(s.CallByRef(ctx, "m")); c.Status != crm.CallEnded || c.From.E164 != "+31612345678" {
			t.Fatalf("after answered: %+v", c)
		}
	})
	t.Run("BadInputStoresNothing", func(t *testing.T) {
		s := openStore(t)
		for name, in := range map[string]crm.CallEventInput{
			"call_id":        {Event: crm.EventRinging, From: "0612345678"},
			"event":          {ExternalID: "b", Event: "exploded", From: "0612345678"},
			"from":           {ExternalID: "b", Event: crm.EventRinging, From: "not a number"},
			"to":             {ExternalID: "b", Event: crm.EventRinging, From: "0612345678", To: "x"},
			"forwarded_from": {ExternalID: "b", Event: crm.EventRinging, From: "0612345678", ForwardedFrom: "<sip:abc@x>"},
		} {
			_, err := s.RecordCallEvent(ctx, in)
			if crm.ErrorCode(err) != crm.CodeInvalid || crm.ErrorField(err) != name {
				t.Errorf("%s: error = %v (field %q), want invalid %s", name, err, crm.ErrorField(err), name)
			}
		}
		if calls := must(s.Calls(ctx, time.Time{}, 10)); len(calls) != 0 {
			t.Fatalf("%d calls stored from rejected events", len(calls))
		}
	})
	t.Run("ResumeFromEventID", func(t *testing.T) {
		s := openStore(t)
		var ids []int64
		for _, id := range []string{"a", "b", "c"} {
			ids = append(ids, must(s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: id, Event: crm.EventRinging, From: "anonymous"})).Live.ID)
		}
		evs := must(s.LiveEventsSince(ctx, ids[0], 10))
		if len(evs) != 2 || evs[0].ID != ids[1] || evs[1].ID != ids[2] || evs[0].ExternalID != "b" || evs[0].Match != crm.MatchWithheld {
			t.Fatalf("resume after %d: %+v", ids[0], evs)
		}
	})
}
