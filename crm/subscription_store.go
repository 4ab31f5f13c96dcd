package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// SubscriptionInput says an organisation holds a service.
type SubscriptionInput struct {
	OrganisationID int64
	ServiceCode    string
	Since          time.Time
	AnnualValue    Money
	RenewalDate    time.Time
	Status         SubscriptionStatus // empty means active
}

// SaveSubscription records that an organisation holds a service, updating the
// existing record for that pair if there is one.
func (s *Store) SaveSubscription(ctx context.Context, in SubscriptionInput) error {
	if in.Status == "" {
		in.Status = SubscriptionActive
	}
	switch in.Status {
	case SubscriptionActive, SubscriptionCancelled, SubscriptionEnded:
	default:
		return Errorf(CodeInvalid, "status", "%q is not a subscription status (active, cancelled, ended)", in.Status)
	}
	return s.inTx(ctx, func(tx *txn) error {
		var serviceID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM services WHERE code = ?`,
			strings.ToLower(strings.TrimSpace(in.ServiceCode))).Scan(&serviceID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(CodeInvalid, "service", "no service with code %q", in.ServiceCode)
		}
		if err != nil {
			return internal(err, "finding service")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO subscriptions
			(organisation_id, service_id, since, annual_value_cents, renewal_date, status) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (organisation_id, service_id) DO UPDATE SET since = excluded.since,
			annual_value_cents = excluded.annual_value_cents, renewal_date = excluded.renewal_date, status = excluded.status`,
			in.OrganisationID, serviceID, dateArg(in.Since), in.AnnualValue, dateArg(in.RenewalDate), in.Status)
		if isForeignKeyViolation(err) {
			return Errorf(CodeNotFound, "organisation", "no organisation with id %d", in.OrganisationID)
		}
		if err != nil {
			return internal(err, "saving subscription")
		}
		return nil
	})
}

// Subscriptions lists what an organisation holds or held, by service code.
func (s *Store) Subscriptions(ctx context.Context, organisationID int64) ([]Subscription, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT sub.id, sub.organisation_id, sub.service_id, sv.code, sv.name,
		sub.since, sub.annual_value_cents, sub.renewal_date, sub.status
		FROM subscriptions sub JOIN services sv ON sv.id = sub.service_id
		WHERE sub.organisation_id = ? ORDER BY sv.code`, organisationID)
	if err != nil {
		return nil, internal(err, "listing subscriptions")
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		var sub Subscription
		var since, renewal sql.NullString
		if err := rows.Scan(&sub.ID, &sub.OrganisationID, &sub.ServiceID, &sub.ServiceCode, &sub.ServiceName,
			&since, &sub.AnnualValue, &renewal, &sub.Status); err != nil {
			return nil, internal(err, "listing subscriptions")
		}
		sub.Since, sub.RenewalDate = scanDate(since), scanDate(renewal)
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing subscriptions")
	}
	return out, nil
}
