package crm

import "time"

// Contact is a person at a client organisation.
type Contact struct {
	ID             int64
	OrganisationID int64 // 0 if not (yet) linked to an organisation
	Name           string
	JobTitle       string
	Email          string
	Language       string // preferred language, e.g. "nl", "en"
	Numbers        []PhoneNumber
	CreatedAt      time.Time
	UpdatedAt      time.Time
}
