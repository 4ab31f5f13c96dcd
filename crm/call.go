package crm

import (
	"strings"
	"time"
)

// CallEvent is what a telephone system (or a receptionist) says happened to a call.
type CallEvent string

// Call events. Ringing, answered, ended and missed come from telephone
// systems; taken and handled from receptionists on the console.
const (
	EventRinging  CallEvent = "ringing"
	EventAnswered CallEvent = "answered"
	EventEnded    CallEvent = "ended"
	EventMissed   CallEvent = "missed"
	EventTaken    CallEvent = "taken"
	EventHandled  CallEvent = "handled"
)

// ParseCallEvent accepts the four events a telephone system may send.
func ParseCallEvent(field, s string) (CallEvent, error) {
	switch e := CallEvent(strings.ToLower(strings.TrimSpace(s))); e {
	case EventRinging, EventAnswered, EventEnded, EventMissed:
		return e, nil
	case "":
		return "", Errorf(CodeInvalid, field, "no event given (ringing, answered, ended, missed)")
	}
	return "", Errorf(CodeInvalid, field, "%q is not an event (ringing, answered, ended, missed)", s)
}

// CallStatus is where a call stands.
type CallStatus string

// Call statuses.
const (
	CallRinging  CallStatus = "ringing"
	CallAnswered CallStatus = "answered"
	CallEnded    CallStatus = "ended"
	CallMissed   CallStatus = "missed"
)

// CallNumber is a party of a call: as the telephone system wrote it and normalised.
type CallNumber struct {
	Raw      string
	E164     string // "" when withheld, internal or absent
	National string // for display, e.g. "06 12345678"
}

// Call is one call as reported by a telephone system.
type Call struct {
	ID             int64
	Source         string // "generic", "twilio", "aircall"
	ExternalID     string // the telephone system's call id
	Status         CallStatus
	From           CallNumber
	To             CallNumber
	ForwardedFrom  CallNumber
	Match          Match // recognition outcome when the call was first seen
	ContactID      int64
	OrganisationID int64
	EmployeeID     int64 // the caller, when one of our own staff rang
	CallingForID   int64
	Agent          string // who answered, as the telephone system named them
	TakenByID      int64  // receptionist who said "I'll take it"
	RingingAt      time.Time
	AnsweredAt     time.Time
	EndedAt        time.Time
	Missed         bool
	HandledAt      time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// deriveStatus computes the status from the events seen so far, so that the
// order in which they arrived never matters.
func (c *Call) deriveStatus() {
	switch {
	case !c.EndedAt.IsZero() && !c.AnsweredAt.IsZero():
		c.Status = CallEnded
	case !c.EndedAt.IsZero() && c.Missed:
		c.Status = CallMissed
	case !c.EndedAt.IsZero():
		c.Status = CallEnded
	case !c.AnsweredAt.IsZero():
		c.Status = CallAnswered
	default:
		c.Status = CallRinging
	}
}

// LiveEvent is what goes out to every screen once an event is committed: the
// event id (to resume from) and the card's summary.
type LiveEvent struct {
	ID               int64     `json:"id"`
	Event            CallEvent `json:"event"`
	CallID           int64     `json:"call_id"`
	ExternalID       string    `json:"external_id"`
	Source           string    `json:"source"`
	Status           string    `json:"status"`
	From             string    `json:"from"`
	FromNational     string    `json:"from_national,omitempty"`
	Match            Match     `json:"match"`
	DisplayName      string    `json:"display_name"`
	ContactName      string    `json:"contact_name,omitempty"`
	OrganisationName string    `json:"organisation_name,omitempty"`
	CallingForName   string    `json:"calling_for_name,omitempty"`
	TakenByName      string    `json:"taken_by_name,omitempty"`
	OccurredAt       time.Time `json:"occurred_at"`
}
