package crm

import (
	"fmt"
	"sort"

	"github.com/callcard/callcard/phone"
)

// Match is the outcome of recognising a number: exactly one of these.
type Match string

// Recognition outcomes.
const (
	MatchContact      Match = "contact"      // one person holds the number
	MatchOrganisation Match = "organisation" // a switchboard or shared line
	MatchEmployee     Match = "employee"     // one of our own staff
	MatchNumberRange  Match = "number_range" // unknown number in a registered direct-dial block
	MatchAmbiguous    Match = "ambiguous"    // several holders; see Candidates
	MatchUnknown      Match = "unknown"
	MatchWithheld     Match = "withheld"
)

// Matches lists every outcome, for metrics and documentation.
var Matches = []Match{MatchContact, MatchOrganisation, MatchEmployee, MatchNumberRange, MatchAmbiguous, MatchUnknown, MatchWithheld}

// Recognition says who is behind a number. Contact, Organisation, Employee
// and Range are set as the match implies: a contact match also carries the
// contact's organisation; a number-range match carries the organisation and
// the range. Contacts, employees and organisations carry what a card or a
// desk phone shows (names, job title, role, client since, value, account
// manager), not their number lists, e-mail or language: recognition runs on
// every call and reads no more than it needs.
type Recognition struct {
	Query        string
	Number       phone.Number
	Match        Match
	Contact      *Contact
	Organisation *Organisation
	Employee     *Employee
	Range        *NumberRange
	Candidates   []Candidate // only for ambiguous, in a stable order
}

// Candidate is one of several holders of an ambiguous number.
type Candidate struct {
	Match        Match // contact, organisation or employee
	Contact      *Contact
	Organisation *Organisation
	Employee     *Employee
	Label        Label
}

// DisplayName is the short text for a desk phone's screen: "Martijn de
// Vries (Acme BV)", "Acme BV", "Anna Jansen", "Acme BV?" for a number range,
// and "" when there is no one name to show.
func (r Recognition) DisplayName() string {
	var contact, employee string
	if r.Contact != nil {
		contact = r.Contact.Name
	}
	if r.Employee != nil {
		employee = r.Employee.Name
	}
	return displayName(r.Match, contact, r.CommonOrganisation().name(), employee)
}

// CommonOrganisation is the organisation the match points at; for an
// ambiguous match, the one organisation all candidates share, if any:
// several people at one company still make the company a fair name.
func (r Recognition) CommonOrganisation() *Organisation {
	if r.Match != MatchAmbiguous {
		return r.Organisation
	}
	var org *Organisation
	for _, c := range r.Candidates {
		if c.Organisation == nil || (org != nil && org.ID != c.Organisation.ID) {
			return nil
		}
		org = c.Organisation
	}
	return org
}

func (o *Organisation) name() string {
	if o == nil {
		return ""
	}
	return o.Name
}

// displayName is shared by live recognitions and stored calls so that a
// screen shows the same name whichever way the card reached it.
func displayName(m Match, contact, organisation, employee string) string {
	switch m {
	case MatchContact:
		if organisation != "" {
			return fmt.Sprintf("%s (%s)", contact, organisation)
		}
		return contact
	case MatchOrganisation, MatchAmbiguous:
		return organisation
	case MatchEmployee:
		return employee
	case MatchNumberRange:
		if organisation != "" {
			return organisation + "?"
		}
	}
	return ""
}

// decide applies the precedence rules to the holders of one E.164 number:
//  1. personal numbers (mobile, direct, home, other) of contacts: one contact
//     is a contact match, several are ambiguous;
//  2. else switchboard numbers (of an organisation, or labelled switchboard on
//     a contact): one organisation is an organisation match, several are
//     ambiguous;
//  3. else employees: one is an employee match, several are ambiguous.
//
// Never picks one holder at random.
func decide(r *Recognition, holders []Candidate) {
	var personal, switchboard, staff []Candidate
	orgs := map[int64]bool{}
	for _, h := range holders {
		switch {
		case h.Employee != nil:
			staff = append(staff, h)
		case h.Contact != nil && h.Label != LabelSwitchboard:
			personal = append(personal, h)
		case h.Organisation != nil:
			if !orgs[h.Organisation.ID] {
				orgs[h.Organisation.ID] = true
				switchboard = append(switchboard, Candidate{Match: MatchOrganisation, Organisation: h.Organisation, Label: LabelSwitchboard})
			}
		}
	}
	pick := func(group []Candidate) {
		if len(group) == 1 {
			c := group[0]
			r.Match, r.Contact, r.Organisation, r.Employee = c.Match, c.Contact, c.Organisation, c.Employee
			return
		}
		sortCandidates(group)
		r.Match, r.Candidates = MatchAmbiguous, group
	}
	switch {
	case len(personal) > 0:
		pick(personal)
	case len(switchboard) > 0:
		pick(switchboard)
	case len(staff) > 0:
		pick(staff)
	default:
		r.Match = MatchUnknown
	}
}

func sortCandidates(cs []Candidate) {
	name := func(c Candidate) (string, int64) {
		switch {
		case c.Contact != nil:
			return key(c.Contact.Name), c.Contact.ID
		case c.Employee != nil:
			return key(c.Employee.Name), c.Employee.ID
		default:
			return key(c.Organisation.Name), c.Organisation.ID
		}
	}
	sort.SliceStable(cs, func(i, j int) bool {
		ni, ii := name(cs[i])
		nj, ij := name(cs[j])
		if ni != nj {
			return ni < nj
		}
		return ii < ij
	})
}
