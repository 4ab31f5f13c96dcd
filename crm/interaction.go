package crm

import "time"

// InteractionKind is what happened.
type InteractionKind string

// Interaction kinds.
const (
	KindCall     InteractionKind = "call"
	KindNote     InteractionKind = "note"
	KindCallback InteractionKind = "callback" // a request to call someone back
	KindVisit    InteractionKind = "visit"
	KindEmail    InteractionKind = "email"
	KindHint     InteractionKind = "hint" // a cross-sell hint's outcome
	KindLead     InteractionKind = "lead" // interest for the account manager to follow up
	KindCare     InteractionKind = "care" // a proactive check-in
)

// Interaction statuses used by callbacks and leads.
const (
	InteractionOpen = "open"
	InteractionDone = "done"
)

// Interaction is one entry in the history of an organisation and its people.
type Interaction struct {
	ID             int64
	OrganisationID int64
	ContactID      int64
	Kind           InteractionKind
	OccurredAt     time.Time
	AuthorID       int64 // employee who recorded it, 0 if the system did
	AssigneeID     int64 // employee asked to act (callbacks, leads)
	ServiceID      int64 // the service a hint or lead is about
	CallID         string
	Status         string // "open"/"done" for callbacks and leads; the outcome for hints
	Summary        string
	DoneAt         time.Time
	DoneNote       string
	DoneByID       int64  // employee who closed a callback or lead, 0 if unknown
	Outcome        string // how a closed lead ended: "won", "lost" or ""
	Value          Money  // annual value of what a won lead sold
	OriginID       int64  // the hint a lead came from, the check-in a callback came from

	// Filled in by list queries for display.
	OrganisationName string
	ContactName      string
	AuthorName       string
	AssigneeName     string
	ServiceCode      string
}
