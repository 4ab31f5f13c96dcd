package crm

import (
	"strings"
	"time"
)

// CareOptions selects the care list.
type CareOptions struct {
	Days  int // no interaction for this many days; 0 means 90
	Limit int // at most this many; 0 means 20
}

// CareItem is a client worth a call just to ask whether all is well.
type CareItem struct {
	OrganisationID     int64
	OrganisationName   string
	AnnualValue        Money
	ClientSince        time.Time // zero if unknown
	Years              int       // whole years as a client
	AccountManagerID   int64     // 0 if none
	AccountManagerName string
	LastContact        time.Time // the latest interaction; zero if there never was one
	DaysSinceContact   int       // -1 if there never was one
	Services           []string  // codes of the services held, for the conversation
}

// CareOutcome is what a proactive check-in gave.
type CareOutcome string

// Care outcomes, stored as the status of a 'care' interaction.
const (
	CareCheckedIn CareOutcome = "checked_in" // called; all fine
	CareCallNow   CareOutcome = "call_now"   // to call now: an open callback
)

// ParseCareOutcome reads an outcome as a form or API sends it.
func ParseCareOutcome(field, s string) (CareOutcome, error) {
	switch o := CareOutcome(strings.ToLower(strings.TrimSpace(s))); o {
	case CareCheckedIn, CareCallNow:
		return o, nil
	}
	return "", Errorf(CodeInvalid, field, "%q is not a check-in outcome (checked_in, call_now)", s)
}
