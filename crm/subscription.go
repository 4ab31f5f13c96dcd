package crm

import "time"

// SubscriptionStatus says whether an organisation still holds a service.
type SubscriptionStatus string

// Subscription statuses.
const (
	SubscriptionActive    SubscriptionStatus = "active"
	SubscriptionCancelled SubscriptionStatus = "cancelled"
	SubscriptionEnded     SubscriptionStatus = "ended"
)

// Subscription is an organisation holding a service.
type Subscription struct {
	ID             int64
	OrganisationID int64
	ServiceID      int64
	ServiceCode    string
	ServiceName    string
	Since          time.Time
	AnnualValue    Money
	RenewalDate    time.Time
	Status         SubscriptionStatus
}
