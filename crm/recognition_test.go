package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/callcard/callcard/crm"
)

// register holds one of every kind of holder, for the recognition table.
type register struct {
	am          crm.Employee
	acme, other crm.Organisation
	martijn     crm.Contact
}

func seedRegister(t *testing.T, s *crm.Store) register {
	t.Helper()
	ctx := context.Background()
	var r register
	r.am = must(s.SaveEmployee(ctx, crm.EmployeeInput{Name: "Sanne Visser", Email: "sanne@noordhaven.nl",
		Role: crm.RoleAccountManager, Extension: "201", Numbers: []crm.NumberInput{{Raw: "06 55501234"}}}))
	r.acme = must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme Logistiek BV",
		ClientSince: time.Date(2019, 9, 1, 0, 0, 0, 0, time.UTC), AnnualValue: 840000, AccountManagerID: r.am.ID,
		Numbers: []crm.NumberInput{{Raw: "020 794 6000"}}, Ranges: []string{"020 794 61", "020 794 6"}}))
	r.other = must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Bakkerij Jansen",
		Numbers: []crm.NumberInput{{Raw: "+31 30 230 4000"}}}))
	r.martijn = must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: r.acme.ID, Name: "Martijn de Vries",
		JobTitle: "ICT-manager", Numbers: []crm.NumberInput{{Raw: "06 12345678"}, {Raw: "020 794 6112", Label: crm.LabelDirect}}}))
	// One home line shared by two people at two companies: must be ambiguous.
	must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: r.acme.ID, Name: "Eva de Vries",
		Numbers: []crm.NumberInput{{Raw: "010 123 4567", Label: crm.LabelHome}}}))
	must(s.CreateContact(ctx, crm.ContactInput{OrganisationID: r.other.ID, Name: "Piet de Vries",
		Numbers: []crm.NumberInput{{Raw: "+31 10 123 4567", Label: crm.LabelHome}}}))
	return r
}

func TestRecognise(t *testing.T) {
	s := openStore(t)
	r := seedRegister(t, s)
	ctx := context.Background()
	tests := []struct {
		name, raw   string
		match       crm.Match
		contact     string
		org         string
		employee    string
		display     string
		candidates  int
		rangePrefix string
	}{
		{"ContactMobileNational", "06 12345678", crm.MatchContact, "Martijn de Vries", "Acme Logistiek BV", "", "Martijn de Vries (Acme Logistiek BV)", 0, ""},
		{"ContactMobileE164", "+31612345678", crm.MatchContact, "Martijn de Vries", "Acme Logistiek BV", "", "", 0, ""},
		{"ContactMobile00", "0031 6 1234 5678", crm.MatchContact, "Martijn de Vries", "", "", "", 0, ""},
		{"ContactTrunkNoPlus", "31612345678", crm.MatchContact, "Martijn de Vries", "", "", "", 0, ""},
		{"ContactSIPURI", `"Martijn" <sip:+31612345678@pbx.example.com:5060;user=phone>`, crm.MatchContact, "Martijn de Vries", "", "", "", 0, ""},
		{"ContactDirectWithTrunkZero", "+31 (0)20 794 6112", crm.MatchContact, "Martijn de Vries", "", "", "", 0, ""},
		{"ContactTrailingSpace", "06-1234 5678 ", crm.MatchContact, "Martijn de Vries", "", "", "", 0, ""},
		{"Organisation", "020 794 6000", crm.MatchOrganisation, "", "Acme Logistiek BV", "", "Acme Logistiek BV", 0, ""},
		{"OrganisationSlash", "030/2304000", crm.MatchOrganisation, "", "Bakkerij Jansen", "", "", 0, ""},
		{"Employee", "+31 6 55501234", crm.MatchEmployee, "", "", "Sanne Visser", "Sanne Visser", 0, ""},
		{"EmployeeExtension", "201", crm.MatchEmployee, "", "", "Sanne Visser", "", 0, ""},
		{"NumberRangeLongestPrefixWins", "020 794 6199", crm.MatchNumberRange, "", "Acme Logistiek BV", "", "Acme Logistiek BV?", 0, "+31207946" + "1"},
		{"NumberRangeShorter", "020 794 6500", crm.MatchNumberRange, "", "Acme Logistiek BV", "", "", 0, "+31207946"},
		{"Ambiguous", "010-1234567", crm.MatchAmbiguous, "", "", "", "", 2, ""},
		{"Unknown", "+44 20 7946 0018", crm.MatchUnknown, "", "", "", "", 0, ""},
		{"UnknownExtension", "299", crm.MatchUnknown, "", "", "", "", 0, ""},
		{"WithheldAnonymous", "anonymous", crm.MatchWithheld, "", "", "", "", 0, ""},
		{"WithheldEmpty", "", crm.MatchWithheld, "", "", "", "", 0, ""},
		{"WithheldSIP", "sip:anonymous@anonymous.invalid", crm.MatchWithheld, "", "", "", "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Recognise(ctx, tt.raw)
			if err != nil {
				t.Fatalf("Recognise(%q): %v", tt.raw, err)
			}
			if got.Match != tt.match {
				t.Fatalf("Recognise(%q).Match = %q, want %q", tt.raw, got.Match, tt.match)
			}
			if tt.contact != "" && (got.Contact == nil || got.Contact.Name != tt.contact) {
				t.Errorf("contact = %+v, want %q", got.Contact, tt.contact)
			}
			if tt.org != "" && (got.Organisation == nil || got.Organisation.Name != tt.org) {
				t.Errorf("organisation = %+v, want %q", got.Organisation, tt.org)
			}
			if tt.employee != "" && (got.Employee == nil || got.Employee.Name != tt.employee) {
				t.Errorf("employee = %+v, want %q", got.Employee, tt.employee)
			}
			if tt.display != "" && got.DisplayName() != tt.display {
				t.Errorf("DisplayName() = %q, want %q", got.DisplayName(), tt.display)
			}
			if len(got.Candidates) != tt.candidates {
				t.Errorf("%d candidates, want %d", len(got.Candidates), tt.candidates)
			}
			if tt.rangePrefix != "" && (got.Range == nil || got.Range.Prefix != tt.rangePrefix) {
				t.Errorf("range = %+v, want prefix %s", got.Range, tt.rangePrefix)
			}
		})
	}
	// A contact match carries what the card needs about the organisation.
	got := must(s.Recognise(ctx, "0612345678"))
	if got.Organisation.AccountManager == nil || got.Organisation.AccountManager.ID != r.am.ID {
		t.Errorf("account manager = %+v, want %s", got.Organisation.AccountManager, r.am.Name)
	}
	if y := crm.YearsBetween(got.Organisation.ClientSince, fixedNow); y != 7 {
		t.Errorf("client for %d years, want 7", y)
	}
	// Ambiguous candidates come in a stable order, never one picked.
	amb := must(s.Recognise(ctx, "0101234567"))
	if amb.Candidates[0].Contact.Name != "Eva de Vries" || amb.Candidates[1].Contact.Name != "Piet de Vries" {
		t.Errorf("candidates = %s, %s", amb.Candidates[0].Contact.Name, amb.Candidates[1].Contact.Name)
	}
	if amb.DisplayName() != "" {
		t.Errorf("ambiguous across companies shows %q, want no name", amb.DisplayName())
	}
}

func TestRecogniseRejectsNonNumbers(t *testing.T) {
	s := openStore(t)
	for _, raw := range []string{"abc", "06-CALL-NOW", "+", "12ab34"} {
		_, err := s.Recognise(context.Background(), raw)
		if crm.ErrorCode(err) != crm.CodeInvalid || crm.ErrorField(err) != "number" {
			t.Errorf("Recognise(%q) error = %v (code %q), want invalid number", raw, err, crm.ErrorCode(err))
		}
	}
}

func TestWritesRefuseNonNumbers(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	org := must(s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "Acme"}))
	_, err := s.CreateContact(ctx, crm.ContactInput{OrganisationID: org.ID, Name: "Jan",
		Numbers: []crm.NumberInput{{Raw: "06 12345678"}, {Raw: "not a number"}}})
	if crm.ErrorCode(err) != crm.CodeInvalid || crm.ErrorField(err) != "phone[2]" {
		t.Fatalf("error = %v (field %q), want invalid phone[2]", err, crm.ErrorField(err))
	}
	// Nothing half-written: the contact with the good number is not there either.
	if cs := must(s.Contacts(ctx, org.ID)); len(cs) != 0 {
		t.Fatalf("%d contacts stored after a refused write", len(cs))
	}
	if _, err := s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "  acme "}); crm.ErrorCode(err) != crm.CodeConflict {
		t.Fatalf("duplicate organisation name: error = %v, want conflict", err)
	}
	_, err = s.CreateOrganisation(ctx, crm.OrganisationInput{Name: "X", Numbers: []crm.NumberInput{{Raw: "anonymous"}}})
	if crm.ErrorCode(err) != crm.CodeInvalid {
		t.Fatalf("withheld as a stored number: error = %v, want invalid", err)
	}
}
