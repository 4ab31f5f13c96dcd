package api

import (
	"time"

	"github.com/callcard/callcard/crm"
	"github.com/callcard/callcard/phone"
)

// The JSON shapes of the API. Domain types are never serialised directly, so
// a field added to the register never leaks out by accident.

// NumberView is a normalised number.
type NumberView struct {
	E164      string `json:"e164"`
	National  string `json:"national"`
	Kind      string `json:"kind"`
	Region    string `json:"region"`
	Extension string `json:"extension,omitempty"`
	Withheld  bool   `json:"withheld,omitempty"`
	Internal  bool   `json:"internal,omitempty"`
}

func numberView(n phone.Number) NumberView {
	return NumberView{E164: n.E164, National: n.National, Kind: string(n.Kind), Region: n.Region,
		Extension: n.Extension, Withheld: n.Withheld, Internal: n.Internal}
}

// EmployeeView is one of our staff.
type EmployeeView struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role,omitempty"`
}

func employeeView(e *crm.Employee) *EmployeeView {
	if e == nil {
		return nil
	}
	return &EmployeeView{ID: e.ID, Name: e.Name, Email: e.Email, Role: string(e.Role)}
}

// ContactView is a person at a client.
type ContactView struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	JobTitle       string `json:"job_title,omitempty"`
	Email          string `json:"email,omitempty"`
	Language       string `json:"language,omitempty"`
	OrganisationID int64  `json:"organisation_id,omitempty"`
}

func contactView(c *crm.Contact) *ContactView {
	if c == nil {
		return nil
	}
	return &ContactView{ID: c.ID, Name: c.Name, JobTitle: c.JobTitle, Email: c.Email, Language: c.Language, OrganisationID: c.OrganisationID}
}

// OrganisationView is a client company.
type OrganisationView struct {
	ID               int64         `json:"id"`
	Name             string        `json:"name"`
	Status           string        `json:"status"`
	ClientSince      string        `json:"client_since,omitempty"`
	YearsAsClient    int           `json:"years_as_client"`
	AnnualValueEUR   string        `json:"annual_value_eur"`
	AccountManager   *EmployeeView `json:"account_manager,omitempty"`
	NumberRangeMatch string        `json:"number_range,omitempty"`
}

func organisationView(o *crm.Organisation, now time.Time) *OrganisationView {
	if o == nil {
		return nil
	}
	v := &OrganisationView{ID: o.ID, Name: o.Name, Status: string(o.Status), AnnualValueEUR: o.AnnualValue.String(),
		AccountManager: employeeView(o.AccountManager), YearsAsClient: crm.YearsBetween(o.ClientSince, now)}
	if !o.ClientSince.IsZero() {
		v.ClientSince = o.ClientSince.Format(crm.DateLayout)
	}
	return v
}

// CandidateView is one holder of an ambiguous number.
type CandidateView struct {
	Match        crm.Match         `json:"match"`
	Label        string            `json:"label,omitempty"`
	Contact      *ContactView      `json:"contact,omitempty"`
	Organisation *OrganisationView `json:"organisation,omitempty"`
	Employee     *EmployeeView     `json:"employee,omitempty"`
}

// RecognitionView is the answer of a look-up.
type RecognitionView struct {
	Query        string            `json:"query"`
	Number       NumberView        `json:"number"`
	Match        crm.Match         `json:"match"`
	DisplayName  string            `json:"display_name"`
	Contact      *ContactView      `json:"contact"`
	Organisation *OrganisationView `json:"organisation"`
	Employee     *EmployeeView     `json:"employee,omitempty"`
	NumberRange  string            `json:"number_range,omitempty"`
	Candidates   []CandidateView   `json:"candidates"`
}

func recognitionView(r crm.Recognition, now time.Time) RecognitionView {
	v := RecognitionView{Query: r.Query, Number: numberView(r.Number), Match: r.Match, DisplayName: r.DisplayName(),
		Contact: contactView(r.Contact), Organisation: organisationView(r.CommonOrganisation(), now),
		Employee: employeeView(r.Employee), Candidates: []CandidateView{}}
	if r.Range != nil {
		v.NumberRange = r.Range.Raw
	}
	for _, c := range r.Candidates {
		v.Candidates = append(v.Candidates, CandidateView{Match: c.Match, Label: string(c.Label),
			Contact: contactView(c.Contact), Organisation: organisationView(c.Organisation, now), Employee: employeeView(c.Employee)})
	}
	return v
}

// CallView is a call.
type CallView struct {
	ID            int64      `json:"id"`
	Source        string     `json:"source"`
	ExternalID    string     `json:"external_id"`
	Status        string     `json:"status"`
	From          string     `json:"from"`
	FromNational  string     `json:"from_national,omitempty"`
	To            string     `json:"to,omitempty"`
	ForwardedFrom string     `json:"forwarded_from,omitempty"`
	Match         crm.Match  `json:"match"`
	Agent         string     `json:"answered_by,omitempty"`
	RingingAt     *time.Time `json:"ringing_at,omitempty"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
	EndedAt       *time.Time `json:"ended_at,omitempty"`
	HandledAt     *time.Time `json:"handled_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func callView(c crm.Call) CallView {
	return CallView{ID: c.ID, Source: c.Source, ExternalID: c.ExternalID, Status: string(c.Status),
		From: firstNonEmpty(c.From.E164, c.From.Raw), FromNational: c.From.National,
		To: firstNonEmpty(c.To.E164, c.To.Raw), ForwardedFrom: firstNonEmpty(c.ForwardedFrom.E164, c.ForwardedFrom.Raw),
		Match: c.Match, Agent: c.Agent, RingingAt: timePtr(c.RingingAt), AnsweredAt: timePtr(c.AnsweredAt),
		EndedAt: timePtr(c.EndedAt), HandledAt: timePtr(c.HandledAt), CreatedAt: c.CreatedAt}
}

// CallingForView is whom the caller tried to reach.
type CallingForView struct {
	Employee EmployeeView `json:"employee"`
	Relation string       `json:"relation"`
}

// ServiceView is a service an organisation holds.
type ServiceView struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Since          string `json:"since,omitempty"`
	AnnualValueEUR string `json:"annual_value_eur"`
	RenewalDate    string `json:"renewal_date,omitempty"`
}

// InteractionView is a history entry.
type InteractionView struct {
	// ID is 0 for the entry of a call ("Incoming call from …"), which is
	// read from the call rather than stored.
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"`
	Contact    string    `json:"contact,omitempty"`
	Author     string    `json:"author,omitempty"`
	Assignee   string    `json:"assignee,omitempty"`
	Service    string    `json:"service,omitempty"`
	Status     string    `json:"status,omitempty"`
	Summary    string    `json:"summary"`
}

func interactionViews(in []crm.Interaction) []InteractionView {
	out := make([]InteractionView, 0, len(in))
	for _, i := range in {
		out = append(out, InteractionView{ID: i.ID, Kind: string(i.Kind), OccurredAt: i.OccurredAt, Contact: i.ContactName,
			Author: i.AuthorName, Assignee: i.AssigneeName, Service: i.ServiceCode, Status: i.Status, Summary: i.Summary})
	}
	return out
}

// HintView is a cross-sell hint: why it is worth mentioning, in English
// (Reason) and as facts for a client to word in its own language (Reasons).
type HintView struct {
	Service string           `json:"service"`
	Name    string           `json:"name"`
	Pitch   string           `json:"pitch"`
	Reason  string           `json:"reason"`
	Reasons []HintReasonView `json:"reasons"`
	Score   float64          `json:"score"`
}

// HintReasonView is one fact behind a hint (crm.HintReason); a fact has
// only the fields its kind uses.
type HintReasonView struct {
	Kind    crm.HintReasonKind `json:"kind"`
	Service string             `json:"service,omitempty"`
	Others  []string           `json:"others,omitempty"`
	Years   *int               `json:"years,omitempty"`
	Days    *int               `json:"days,omitempty"` // from today (renews) or ago (mentioned, declined, last_mentioned)
	Keyword string             `json:"keyword,omitempty"`
}

func hintView(h crm.Hint) HintView {
	v := HintView{Service: h.ServiceCode, Name: h.ServiceName, Pitch: h.Pitch, Reason: h.Reason, Score: h.Score,
		Reasons: make([]HintReasonView, 0, len(h.Reasons))}
	for _, r := range h.Reasons {
		rv := HintReasonView{Kind: r.Kind, Service: r.Service, Others: r.Others, Keyword: r.Keyword}
		switch r.Kind {
		case crm.ReasonHeld:
			rv.Years = &r.Years
		case crm.ReasonRenews, crm.ReasonMentioned, crm.ReasonDeclined, crm.ReasonLastMentioned:
			rv.Days = &r.Days
		}
		v.Reasons = append(v.Reasons, rv)
	}
	return v
}

// CardView is the caller card.
type CardView struct {
	Call         CallView          `json:"call"`
	Number       NumberView        `json:"number"`
	Match        crm.Match         `json:"match"`
	DisplayName  string            `json:"display_name"`
	Contact      *ContactView      `json:"contact"`
	Organisation *OrganisationView `json:"organisation"`
	Employee     *EmployeeView     `json:"employee,omitempty"`
	Candidates   []CandidateView   `json:"candidates"`
	CallingFor   *CallingForView   `json:"calling_for"`
	Services     []ServiceView     `json:"services"`
	History      []InteractionView `json:"history"`
	OpenRequests []InteractionView `json:"open_callbacks"`
	Hints        []HintView        `json:"hints"`
}

// CardViewOf turns a card into its JSON shape; the console renders the same.
func CardViewOf(card crm.Card, now time.Time) CardView {
	r := recognitionView(card.Recognition, now)
	v := CardView{Call: callView(card.Call), Number: r.Number, Match: r.Match, DisplayName: r.DisplayName,
		Contact: r.Contact, Organisation: r.Organisation, Employee: r.Employee, Candidates: r.Candidates,
		Services: []ServiceView{}, History: interactionViews(card.History), OpenRequests: interactionViews(card.OpenRequests),
		Hints: []HintView{}}
	if card.CallingFor != nil {
		v.CallingFor = &CallingForView{Employee: *employeeView(&card.CallingFor.Employee), Relation: card.CallingFor.Relation}
	}
	for _, s := range card.Services {
		sv := ServiceView{Code: s.ServiceCode, Name: s.ServiceName, AnnualValueEUR: s.AnnualValue.String()}
		if !s.Since.IsZero() {
			sv.Since = s.Since.Format(crm.DateLayout)
		}
		if !s.RenewalDate.IsZero() {
			sv.RenewalDate = s.RenewalDate.Format(crm.DateLayout)
		}
		v.Services = append(v.Services, sv)
	}
	for _, h := range card.Hints {
		v.Hints = append(v.Hints, hintView(h))
	}
	return v
}
