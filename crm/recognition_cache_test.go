package crm

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/callcard/callcard/phone"
)

// openCacheTestStores opens two stores on one file: a server and another
// process (the command line) writing beside it.
func openCacheTestStores(t *testing.T) (server, cli *Store) {
	t.Helper()
	open := storeOpener(t)
	return open(), open()
}

// TestRecognitionCacheFollowsChanges checks that a remembered recognition
// is never used after a change through the same store, and is used for no
// longer than the trust period after a change by another process.
func TestRecognitionCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	server, cli := openCacheTestStores(t)
	server.recognitions.trust = 200 * time.Millisecond
	const caller = "+31 6 11223344"

	recognise := func(want Match, wantName string) {
		t.Helper()
		r, err := server.Recognise(ctx, caller)
		if err != nil {
			t.Fatal(err)
		}
		if r.Match != want || r.DisplayName() != wantName {
			t.Fatalf("recognised %s %q, want %s %q", r.Match, r.DisplayName(), want, wantName)
		}
	}
	recognise(MatchUnknown, "")

	// Through the same store: seen at once.
	org, err := server.CreateOrganisation(ctx, OrganisationInput{Name: "Acme BV"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := server.CreateContact(ctx, ContactInput{OrganisationID: org.ID, Name: "Martijn de Vries",
		Numbers: []NumberInput{{Raw: caller, Label: LabelMobile}}})
	if err != nil {
		t.Fatal(err)
	}
	recognise(MatchContact, "Martijn de Vries (Acme BV)")
	if _, err := server.UpdateContact(ctx, c.ID, ContactInput{OrganisationID: org.ID, Name: "Martijn Jansen",
		Numbers: []NumberInput{{Raw: caller, Label: LabelMobile}}}); err != nil {
		t.Fatal(err)
	}
	recognise(MatchContact, "Martijn Jansen (Acme BV)")

	// Through another process: seen within the trust period.
	if _, err := cli.UpdateContact(ctx, c.ID, ContactInput{OrganisationID: org.ID, Name: "Martijn Smit",
		Numbers: []NumberInput{{Raw: caller, Label: LabelMobile}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(server.recognitions.trust + time.Second)
	for {
		r, err := server.Recognise(ctx, caller)
		if err != nil {
			t.Fatal(err)
		}
		if r.DisplayName() == "Martijn Smit (Acme BV)" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a change by another process still unseen after %v: %q", time.Since(deadline.Add(-time.Second)), r.DisplayName())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRecognitionCacheKeepsAnswersApart checks that answers are remembered
// per number (and per kind of question), that a caller cannot change a
// remembered answer through the copy it gets, and that call events, which
// write nothing recognition reads, do not make the store forget.
func TestRecognitionCacheKeepsAnswersApart(t *testing.T) {
	ctx := context.Background()
	s, _ := openCacheTestStores(t)
	org, err := s.CreateOrganisation(ctx, OrganisationInput{Name: "Acme BV",
		Numbers: []NumberInput{{Raw: "020 555 0100", Label: LabelSwitchboard}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateContact(ctx, ContactInput{OrganisationID: org.ID, Name: "Anna Bakker",
		Numbers: []NumberInput{{Raw: "06 12345678", Label: LabelMobile}}}); err != nil {
		t.Fatal(err)
	}
	staff, err := s.SaveEmployee(ctx, EmployeeInput{Name: "Sanne Visser", Email: "sanne@example.com", Role: RoleAccountManager,
		Numbers: []NumberInput{{Raw: "06 87654321", Label: LabelMobile}}})
	if err != nil {
		t.Fatal(err)
	}

	first, err := s.Recognise(ctx, "06 12345678")
	if err != nil {
		t.Fatal(err)
	}
	first.Contact.Name = "changed by a caller"
	first.Organisation.Name = "changed by a caller"
	again, err := s.Recognise(ctx, "+31612345678")
	if err != nil {
		t.Fatal(err)
	}
	if again.DisplayName() != "Anna Bakker (Acme BV)" || again.Query != "+31612345678" {
		t.Fatalf("second recognition: %q for query %q", again.DisplayName(), again.Query)
	}
	if sw, err := s.Recognise(ctx, "020 555 0100"); err != nil || sw.Match != MatchOrganisation {
		t.Fatalf("switchboard: %s, %v", sw.Match, err)
	}
	// The same number asked as "whose line is it": a different question.
	n := need[phone.Number](t)(s.phone.Normalise("06 87654321"))
	if r, err := s.RecogniseNumber(ctx, n); err != nil || r.Match != MatchEmployee {
		t.Fatalf("employee's number recognised as %s, %v", r.Match, err)
	}
	if e, err := s.EmployeeByNumber(ctx, n); err != nil || e == nil || e.ID != staff.ID {
		t.Fatalf("EmployeeByNumber = %v, %v; want %d", e, err, staff.ID)
	}
	if e, err := s.EmployeeByNumber(ctx, need[phone.Number](t)(s.phone.Normalise("06 12345678"))); err != nil || e != nil {
		t.Fatalf("EmployeeByNumber of a client's mobile = %v, %v; want nobody", e, err)
	}

	gen := s.recognitions.generation()
	for i := range 3 {
		if _, err := s.RecordCallEvent(ctx, CallEventInput{ExternalID: fmt.Sprint("call-", i), Event: EventRinging,
			From: "06 12345678", To: "020 555 0100", ForwardedFrom: "06 87654321"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.recognitions.generation(); got != gen {
		t.Errorf("call events moved the recognition generation from %d to %d", gen, got)
	}
	if _, err := s.AddInteraction(ctx, InteractionInput{OrganisationID: org.ID, Kind: KindNote, Summary: "spoke about hosting"}); err != nil {
		t.Fatal(err)
	}
	if got := s.recognitions.generation(); got == gen {
		t.Error("a note left the recognition generation as it was; any other write must move it")
	}
}

// TestRecognitionCacheUnderWrites recognises while another goroutine
// renames the holder: every answer must be one of the names the holder
// had, and once the writes are done every answer must be the last name.
func TestRecognitionCacheUnderWrites(t *testing.T) {
	ctx := context.Background()
	s, _ := openCacheTestStores(t)
	org, err := s.CreateOrganisation(ctx, OrganisationInput{Name: "Acme BV"})
	if err != nil {
		t.Fatal(err)
	}
	in := ContactInput{OrganisationID: org.ID, Name: "Name 0", Numbers: []NumberInput{{Raw: "06 12345678", Label: LabelMobile}}}
	c, err := s.CreateContact(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	const renames = 40
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := s.Recognise(ctx, "06 12345678")
				if err != nil || r.Match != MatchContact {
					errs <- fmt.Errorf("recognised %s, %v", r.Match, err)
					return
				}
			}
		})
	}
	for i := 1; i <= renames; i++ {
		in.Name = fmt.Sprint("Name ", i)
		if _, err := s.UpdateContact(ctx, c.ID, in); err != nil {
			t.Fatal(err)
		}
		r, err := s.Recognise(ctx, "06 12345678")
		if err != nil {
			t.Fatal(err)
		}
		if r.Contact.Name != in.Name {
			t.Fatalf("after rename %d recognised %q", i, r.Contact.Name)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestRecognitionCacheOff checks that -1 turns remembering off.
func TestRecognitionCacheOff(t *testing.T) {
	c := newRecognitionCache(-1)
	c.put("r+31612345678", c.generation(), rememberedHolder{rec: Recognition{Match: MatchContact}})
	if _, ok := c.get("r+31612345678"); ok {
		t.Fatal("a cache of size -1 remembered an answer")
	}
	on := newRecognitionCache(0)
	on.put("r+31612345678", on.generation(), rememberedHolder{rec: Recognition{Match: MatchContact}})
	if h, ok := on.get("r+31612345678"); !ok || h.rec.Match != MatchContact {
		t.Fatal("the default cache did not remember an answer")
	}
	on.changed()
	if _, ok := on.get("r+31612345678"); ok {
		t.Fatal("an answer was used after the register changed")
	}
}

// need fails the test on a setup step's error and returns its value.
func need[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
