package crm

import "time"

// OrgStatus is where an organisation stands with us.
type OrgStatus string

// Organisation statuses.
const (
	StatusActive   OrgStatus = "active"   // a client now
	StatusProspect OrgStatus = "prospect" // not yet a client
	StatusFormer   OrgStatus = "former"   // was a client
)

// ParseOrgStatus reads a status; empty means active.
func ParseOrgStatus(field, s string) (OrgStatus, error) {
	switch OrgStatus(key(s)) {
	case "", StatusActive:
		return StatusActive, nil
	case StatusProspect:
		return StatusProspect, nil
	case StatusFormer:
		return StatusFormer, nil
	}
	return "", Errorf(CodeInvalid, field, "%q is not a status (active, prospect, former)", s)
}

// Organisation is a client company (or a prospect or former client).
type Organisation struct {
	ID               int64
	Name             string
	Status           OrgStatus
	ClientSince      time.Time // zero if unknown
	AnnualValue      Money
	AccountManagerID int64 // 0 if none
	AccountManager   *Employee
	Numbers          []PhoneNumber // switchboard and shared lines
	Ranges           []NumberRange
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// NumberRange is the prefix of an organisation's direct-dial block.
type NumberRange struct {
	ID             int64
	OrganisationID int64
	Prefix         string // E.164 prefix, e.g. "+3120555"
	Raw            string // as written
}
