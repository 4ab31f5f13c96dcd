package crm_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
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

// TestTodaysCalls checks the list every screen reloads: today's calls
// only, newest first, each with the names Summarise gives it.
func TestTodaysCalls(t *testing.T) {
	ctx := context.Background()
	s, path := openStoreFile(t)
	r := seedRegister(t, s)
	// A call stored yesterday, through a second store on the same file
	// whose clock is a day behind: calls are dated when stored.
	n := must(phone.New(phone.Config{DefaultRegion: "NL"}))
	before, err := crm.Open(ctx, crm.Config{Path: path, Phone: n, Now: func() time.Time { return fixedNow.Add(-24 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	must(before.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "yesterday", Event: crm.EventRinging, From: "06 12345678"}))
	before.Close()
	events := []crm.CallEventInput{
		{ExternalID: "martijn", Event: crm.EventRinging, From: "06 12345678", ForwardedFrom: "06 55501234"},
		{ExternalID: "switchboard", Event: crm.EventRinging, From: "+31 30 230 4000"},
		{ExternalID: "sanne", Event: crm.EventRinging, From: "06 55501234"},
		{ExternalID: "unknown", Event: crm.EventRinging, From: "+32 2 555 12 34"},
		{ExternalID: "withheld", Event: crm.EventRinging, From: "anonymous"},
	}
	for _, in := range events {
		must(s.RecordCallEvent(ctx, in))
	}
	taken := must(s.CallByRef(ctx, "martijn"))
	must(s.TakeCall(ctx, taken.ID, r.am.ID))

	got := must(s.TodaysCalls(ctx, time.UTC, 100))
	if len(got) != len(events) {
		t.Fatalf("%d calls today, want %d", len(got), len(events))
	}
	for i, cs := range got {
		// Newest first: the calls were stored in order, with rising ids.
		if i > 0 && cs.Call.ID > got[i-1].Call.ID {
			t.Errorf("call %d listed after call %d", cs.Call.ID, got[i-1].Call.ID)
		}
		want := must(s.Summarise(ctx, cs.Call))
		if cs.Live.DisplayName != want.DisplayName || cs.Live.TakenByName != want.TakenByName ||
			cs.Live.CallingForName != want.CallingForName || cs.Live.OrganisationName != want.OrganisationName {
			t.Errorf("%s: listed as %+v, Summarise says %+v", cs.Call.ExternalID, cs.Live, want)
		}
	}
	byID := map[string]crm.CallSummary{}
	for _, cs := range got {
		byID[cs.Call.ExternalID] = cs
	}
	if l := byID["martijn"].Live; l.DisplayName != "Martijn de Vries (Acme Logistiek BV)" || l.TakenByName != "Sanne Visser" || l.CallingForName != "Sanne Visser" {
		t.Errorf("Martijn's call listed as %+v", l)
	}
	if l := byID["switchboard"].Live; l.DisplayName != "Bakkerij Jansen" {
		t.Errorf("switchboard call listed as %+v", l)
	}
	if l := byID["sanne"].Live; l.DisplayName != "Sanne Visser" {
		t.Errorf("employee's call listed as %+v", l)
	}
	if got := must(s.TodaysCalls(ctx, time.UTC, 2)); len(got) != 2 || got[0].Call.ExternalID != "withheld" {
		t.Errorf("limit 2: %+v", got)
	}
	// A screen that catches up gets the same names from the stored events.
	evs := must(s.LiveEventsSince(ctx, 0, 100))
	if len(evs) != len(events)+2 { // yesterday's call and the take
		t.Fatalf("%d stored events, want %d", len(evs), len(events)+2)
	}
	for _, ev := range evs {
		want := must(s.Summarise(ctx, must(s.CallByRef(ctx, ev.ExternalID))))
		if ev.DisplayName != want.DisplayName || ev.CallingForName != want.CallingForName || ev.ContactName != want.ContactName {
			t.Errorf("event %d of %s: %+v, Summarise says %+v", ev.ID, ev.ExternalID, ev, want)
		}
	}
}

// TestObserveCallEvent checks what the store reports of each stored call
// event for metrics: one report per event stored, none for one refused,
// each naming its event, and times that add up. Events sent at once share
// commits, and every event of a group reports the group's size.
func TestObserveCallEvent(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var seen []crm.CallEventTimes
	s := openStoreWith(t, phone.Config{DefaultRegion: "NL"}, func(c *crm.Config) {
		c.Now = time.Now
		c.ObserveCallEvent = func(ct crm.CallEventTimes) {
			mu.Lock()
			seen = append(seen, ct)
			mu.Unlock()
		}
	})
	start := time.Now()
	var wg sync.WaitGroup
	const events = 40
	for i := range events {
		wg.Go(func() {
			if _, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: fmt.Sprint("obs-", i), Event: crm.EventRinging,
				From: "06 12345678"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if _, err := s.RecordCallEvent(ctx, crm.CallEventInput{ExternalID: "", Event: crm.EventRinging}); err == nil {
		t.Fatal("an event without a call id was stored")
	}
	if len(seen) != events {
		t.Fatalf("%d reports for %d events", len(seen), events)
	}
	grouped := 0
	bySize := map[int]int{}
	ids := map[string]bool{}
	for _, ct := range seen {
		bySize[ct.Group]++
		ids[ct.ExternalID] = true
		if ct.Group < 1 || ct.Group > events || ct.Recognised <= 0 || ct.Committed <= 0 || ct.Waited < 0 || ct.Flushed <= 0 ||
			ct.Recognised+ct.Waited+ct.Committed+ct.Flushed > took ||
			ct.Arrived.Before(start) || ct.Arrived.Add(ct.Recognised+ct.Waited+ct.Committed+ct.Flushed).After(start.Add(took)) {
			t.Errorf("report %+v (all %d events took %v from %v)", ct, events, took, start)
		}
		if ct.Group > 1 {
			grouped++
		}
	}
	// Each report names its own event, so an observer can follow each one.
	for i := range events {
		if !ids[fmt.Sprint("obs-", i)] {
			t.Errorf("no report names obs-%d: %v", i, ids)
		}
	}
	// Every event of a group of n reports n, so n divides how many did.
	for n, count := range bySize {
		if count%n != 0 {
			t.Errorf("%d events reported a group of %d", count, n)
		}
	}
	t.Logf("%d of %d events were committed with others", grouped, events)
}
