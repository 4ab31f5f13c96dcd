package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// requestOrg is the organisation a request is about, with what assigning
// and summarising it needs.
type requestOrg struct {
	id               int64
	name             string
	status           OrgStatus
	accountManagerID int64
	contactName      string // the contact named in the request, if any
}

// requestTarget resolves the organisation of a request: the one given, or
// the contact's. A contact must work at the organisation given.
func requestTarget(ctx context.Context, tx *txn, organisationID, contactID int64) (requestOrg, error) {
	var org requestOrg
	if organisationID == 0 && contactID == 0 {
		return org, Errorf(CodeInvalid, "organisation", "no organisation or contact given")
	}
	if contactID != 0 {
		var contactOrg sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT organisation_id, name FROM contacts WHERE id = ?`, contactID).
			Scan(&contactOrg, &org.contactName)
		if errors.Is(err, sql.ErrNoRows) {
			return org, Errorf(CodeNotFound, "contact", "no contact with id %d", contactID)
		}
		if err != nil {
			return org, internal(err, "reading contact")
		}
		switch {
		case organisationID == 0 && !contactOrg.Valid:
			return org, Errorf(CodeInvalid, "organisation", "%s belongs to no organisation; name one", org.contactName)
		case organisationID == 0:
			organisationID = contactOrg.Int64
		case contactOrg.Int64 != organisationID:
			return org, Errorf(CodeInvalid, "contact", "%s does not work at that organisation", org.contactName)
		}
	}
	var am sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, name, status, account_manager_id FROM organisations WHERE id = ?`,
		organisationID).Scan(&org.id, &org.name, &org.status, &am)
	if errors.Is(err, sql.ErrNoRows) {
		return org, Errorf(CodeNotFound, "organisation", "no organisation with id %d", organisationID)
	}
	if err != nil {
		return org, internal(err, "reading organisation")
	}
	org.accountManagerID = am.Int64
	return org, nil
}

// readInteraction reads one entry with its display names.
func readInteraction(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, id int64) (Interaction, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+interactionColumns+interactionFrom+` WHERE i.id = ?`, id)
	if err != nil {
		return Interaction{}, internal(err, "reading interaction")
	}
	got, err := scanInteractions(rows)
	if err != nil {
		return Interaction{}, err
	}
	if len(got) == 0 {
		return Interaction{}, Errorf(CodeNotFound, "interaction", "no interaction with id %d", id)
	}
	return got[0], nil
}

// RequestCallback asks AssigneeID (by default the organisation's account
// manager) to call a client back: an open 'callback' interaction. Without
// an assignee and an account manager it is CodeInvalid on "assignee".
func (s *Store) RequestCallback(ctx context.Context, in CallbackInput) (Interaction, error) {
	msg, err := cleanNote(in.Message)
	if err != nil {
		return Interaction{}, &Error{Code: CodeInvalid, Field: "message", Message: ErrorMessage(err)}
	}
	var out Interaction
	err = s.inTx(ctx, func(tx *txn) error {
		org, err := requestTarget(ctx, tx, in.OrganisationID, in.ContactID)
		if err != nil {
			return err
		}
		assignee := in.AssigneeID
		if assignee == 0 {
			assignee = org.accountManagerID
		}
		if assignee == 0 {
			return Errorf(CodeInvalid, "assignee", "%s has no account manager; choose who calls back", org.name)
		}
		if msg == "" {
			who := org.contactName
			if who == "" {
				who = "The caller"
			}
			msg = who + " asked to be called back."
		}
		cb := InteractionInput{OrganisationID: org.id, ContactID: in.ContactID, Kind: KindCallback, OccurredAt: s.now(),
			AuthorID: in.AuthorID, AssigneeID: assignee, CallID: strings.TrimSpace(in.CallID), Status: InteractionOpen, Summary: msg}
		if err := cb.validate(); err != nil {
			return err
		}
		id, err := addInteraction(ctx, tx, cb)
		if err != nil {
			return err
		}
		out, err = readInteraction(ctx, tx, id)
		return err
	})
	if err != nil {
		return Interaction{}, err
	}
	return out, nil
}

// OpenWork lists the open callbacks and leads assigned to an employee,
// oldest first, with organisation, contact and service for display.
func (s *Store) OpenWork(ctx context.Context, employeeID int64) ([]Interaction, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+interactionColumns+interactionFrom+`
		WHERE i.assignee_id = ? AND i.status = 'open' AND i.kind IN ('callback', 'lead')
		ORDER BY i.occurred_at, i.id`, employeeID)
	if err != nil {
		return nil, internal(err, "reading open work")
	}
	out, err := scanInteractions(rows)
	if out == nil && err == nil {
		out = []Interaction{}
	}
	return out, err
}

// CompleteWork marks an open callback or lead done, once: a second time is
// CodeConflict, anything but a callback or lead CodeInvalid. A lead closed
// here has no verdict; CloseLead says won or lost.
func (s *Store) CompleteWork(ctx context.Context, interactionID, byEmployeeID int64, note string) error {
	return s.closeWork(ctx, interactionID, byEmployeeID, note, "", 0, KindCallback, KindLead)
}

// CloseLead marks an open lead done as won, with the annual value of what
// was sold (the dashboard's revenue from leads and the new recurring
// revenue goals count it), or as lost. Errors as CompleteWork.
func (s *Store) CloseLead(ctx context.Context, interactionID, byEmployeeID int64, won bool, value Money, note string) error {
	if value < 0 {
		return Errorf(CodeInvalid, "value", "the value can't be negative")
	}
	outcome := LeadLost
	if won {
		outcome = LeadWon
	} else if value != 0 {
		return Errorf(CodeInvalid, "value", "a lost lead has no value")
	}
	return s.closeWork(ctx, interactionID, byEmployeeID, note, outcome, value, KindLead)
}

func (s *Store) closeWork(ctx context.Context, id, by int64, note, outcome string, value Money, kinds ...InteractionKind) error {
	note, err := cleanNote(note)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		var kind InteractionKind
		var status string
		err := tx.QueryRowContext(ctx, `SELECT kind, status FROM interactions WHERE id = ?`, id).Scan(&kind, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(CodeNotFound, "interaction", "no interaction with id %d", id)
		}
		if err != nil {
			return internal(err, "reading interaction")
		}
		ok := false
		for _, k := range kinds {
			ok = ok || kind == k
		}
		names := "a callback or lead"
		if len(kinds) == 1 {
			names = "a " + string(kinds[0])
		}
		switch {
		case !ok:
			return Errorf(CodeInvalid, "interaction", "this %s is not %s", kind, names)
		case status == InteractionDone:
			return Errorf(CodeConflict, "interaction", "this %s is done already", kind)
		case status != InteractionOpen:
			return Errorf(CodeInvalid, "interaction", "this %s is not open", kind)
		}
		_, err = tx.ExecContext(ctx, `UPDATE interactions SET status = 'done', done_at = ?, done_note = ?, done_by_id = ?,
			outcome = ?, value_cents = ? WHERE id = ?`, s.now().UnixMilli(), note, nullID(by), outcome, value, id)
		if isForeignKeyViolation(err) {
			return Errorf(CodeInvalid, "employee", "no employee with id %d", by)
		}
		if err != nil {
			return internal(err, "closing "+string(kind))
		}
		return nil
	})
}
