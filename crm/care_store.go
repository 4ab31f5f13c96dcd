package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// CareList lists active clients nobody has been in touch with for
// opt.Days days (no interaction of any kind) and with nothing wrong (no
// open callback), largest annual value first: the clients a service
// manager calls just to ask whether everything is still as they wish.
func (s *Store) CareList(ctx context.Context, opt CareOptions) ([]CareItem, error) {
	if opt.Days <= 0 {
		opt.Days = 90
	}
	if opt.Days > 3650 {
		return nil, Errorf(CodeInvalid, "days", "%d days is more than ten years", opt.Days)
	}
	if opt.Limit <= 0 {
		opt.Limit = 20
	}
	opt.Limit = min(opt.Limit, 500)
	now := s.now()
	cutoff := now.AddDate(0, 0, -opt.Days).UnixMilli()
	// Walks active organisations by value through organisations_status_value
	// and stops at the limit; each test is an index look-up.
	rows, err := s.read.QueryContext(ctx, `SELECT o.id, o.name, o.annual_value_cents, o.client_since,
		coalesce(o.account_manager_id, 0), coalesce(am.name, ''), last,
		(SELECT group_concat(code, ' ') FROM (SELECT sv.code FROM subscriptions sub JOIN services sv ON sv.id = sub.service_id
			WHERE sub.organisation_id = o.id AND sub.status = 'active' ORDER BY sv.code))
		FROM (SELECT o.*, nullif(max(coalesce((SELECT max(occurred_at) FROM interactions i WHERE i.organisation_id = o.id), 0),
				coalesce((SELECT max(created_at) FROM calls c WHERE c.organisation_id = o.id), 0)), 0) AS last
			FROM organisations o WHERE o.status = 'active') o
		LEFT JOIN employees am ON am.id = o.account_manager_id
		WHERE (last IS NULL OR last < ?)
		AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.organisation_id = o.id AND i.kind = 'callback' AND i.status = 'open')
		ORDER BY o.annual_value_cents DESC, o.name_key, o.id LIMIT ?`, cutoff, opt.Limit)
	if err != nil {
		return nil, internal(err, "reading care list")
	}
	defer rows.Close()
	out := []CareItem{}
	for rows.Next() {
		var it CareItem
		var since, services sql.NullString
		var last sql.NullInt64
		if err := rows.Scan(&it.OrganisationID, &it.OrganisationName, &it.AnnualValue, &since,
			&it.AccountManagerID, &it.AccountManagerName, &last, &services); err != nil {
			return nil, internal(err, "reading care list")
		}
		it.ClientSince = scanDate(since)
		it.Years = YearsBetween(it.ClientSince, now)
		it.LastContact, it.DaysSinceContact = millis(last), -1
		if last.Valid {
			it.DaysSinceContact = daysAgo(it.LastContact, now)
		}
		it.Services = strings.Fields(services.String)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading care list")
	}
	return out, nil
}

// RecordCare logs a proactive check-in with an organisation as a 'care'
// interaction whose status is the outcome:
//   - "checked_in": called, all fine;
//   - "call_now": to be called now. It also opens a callback, with the
//     check-in as its origin, for the employee who clicked if they are a
//     service manager, else for the account manager, else for whoever
//     clicked; CodeInvalid if that leaves nobody.
func (s *Store) RecordCare(ctx context.Context, organisationID, byEmployeeID int64, outcome string, note string) (Interaction, error) {
	o, err := ParseCareOutcome("outcome", outcome)
	if err != nil {
		return Interaction{}, err
	}
	if note, err = cleanNote(note); err != nil {
		return Interaction{}, err
	}
	if organisationID == 0 {
		return Interaction{}, Errorf(CodeInvalid, "organisation", "no organisation given")
	}
	var out Interaction
	err = s.inTx(ctx, func(tx *txn) error {
		org, err := requestTarget(ctx, tx, organisationID, 0)
		if err != nil {
			return err
		}
		now := s.now()
		care := InteractionInput{OrganisationID: org.id, Kind: KindCare, OccurredAt: now, AuthorID: byEmployeeID,
			Status: string(o), Summary: withNote(s.words.careSummary(o), note)}
		if err := care.validate(); err != nil {
			return err
		}
		careID, err := addInteraction(ctx, tx, care)
		if err != nil {
			return err
		}
		if o == CareCallNow {
			assignee, err := careAssignee(ctx, tx, org, byEmployeeID)
			if err != nil {
				return err
			}
			cb := InteractionInput{OrganisationID: org.id, Kind: KindCallback, OccurredAt: now, AuthorID: byEmployeeID,
				AssigneeID: assignee, Status: InteractionOpen, Summary: withNote("Proactive check-in call", note)}
			if err := cb.validate(); err != nil {
				return err
			}
			cbID, err := addInteraction(ctx, tx, cb)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE interactions SET origin_id = ? WHERE id = ?`, careID, cbID); err != nil {
				return internal(err, "saving callback")
			}
		}
		out, err = readInteraction(ctx, tx, careID)
		return err
	})
	if err != nil {
		return Interaction{}, err
	}
	return out, nil
}

// careAssignee is who makes a "call now" check-in call.
func careAssignee(ctx context.Context, tx *txn, org requestOrg, by int64) (int64, error) {
	if by != 0 {
		var role Role
		err := tx.QueryRowContext(ctx, `SELECT role FROM employees WHERE id = ?`, by).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, Errorf(CodeInvalid, "employee", "no employee with id %d", by)
		}
		if err != nil {
			return 0, internal(err, "reading employee")
		}
		if role == RoleServiceManager || org.accountManagerID == 0 {
			return by, nil
		}
	}
	if org.accountManagerID == 0 {
		return 0, Errorf(CodeInvalid, "assignee", "%s has no account manager; say who calls", org.name)
	}
	return org.accountManagerID, nil
}
