package crm

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// InteractionInput is a new history entry.
type InteractionInput struct {
	OrganisationID int64
	ContactID      int64
	Kind           InteractionKind
	OccurredAt     time.Time // zero means now
	AuthorID       int64
	AssigneeID     int64
	ServiceID      int64
	CallID         string
	Status         string
	Summary        string
}

func (in *InteractionInput) validate() error {
	switch in.Kind {
	case KindCall, KindNote, KindCallback, KindVisit, KindEmail, KindHint, KindLead, KindCare:
	default:
		return Errorf(CodeInvalid, "kind", "%q is not a kind of interaction", in.Kind)
	}
	in.Summary = strings.TrimSpace(in.Summary)
	if len(in.Summary) > 4000 {
		return Errorf(CodeInvalid, "summary", "the text is longer than 4000 characters")
	}
	if in.OrganisationID == 0 && in.ContactID == 0 {
		return Errorf(CodeInvalid, "organisation", "an interaction belongs to an organisation or a contact")
	}
	if (in.Kind == KindCallback || in.Kind == KindLead) && in.AssigneeID == 0 {
		return Errorf(CodeInvalid, "assignee", "a %s needs someone to act on it", in.Kind)
	}
	if (in.Kind == KindCallback || in.Kind == KindLead) && in.Status == "" {
		in.Status = InteractionOpen
	}
	return nil
}

// AddInteraction records one history entry. A contact's organisation is
// filled in when only the contact is given.
func (s *Store) AddInteraction(ctx context.Context, in InteractionInput) (Interaction, error) {
	if err := in.validate(); err != nil {
		return Interaction{}, err
	}
	if in.OccurredAt.IsZero() {
		in.OccurredAt = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		id, err = addInteraction(ctx, tx, in)
		return err
	})
	if err != nil {
		return Interaction{}, err
	}
	return Interaction{ID: id, OrganisationID: in.OrganisationID, ContactID: in.ContactID, Kind: in.Kind,
		OccurredAt: in.OccurredAt.UTC(), AuthorID: in.AuthorID, AssigneeID: in.AssigneeID, ServiceID: in.ServiceID,
		CallID: in.CallID, Status: in.Status, Summary: in.Summary}, nil
}

// addInteraction writes a validated entry inside tx.
func addInteraction(ctx context.Context, tx *txn, in InteractionInput) (int64, error) {
	id, err := insertID(tx.ExecContext(ctx, `INSERT INTO interactions
		(organisation_id, contact_id, kind, occurred_at, author_id, assignee_id, service_id, call_id, status, summary)
		VALUES (coalesce(?1, (SELECT organisation_id FROM contacts WHERE id = ?2)), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
		nullID(in.OrganisationID), nullID(in.ContactID), in.Kind, in.OccurredAt.UnixMilli(), nullID(in.AuthorID),
		nullID(in.AssigneeID), nullID(in.ServiceID), in.CallID, in.Status, in.Summary))
	if isForeignKeyViolation(err) {
		return 0, Errorf(CodeInvalid, "interaction", "the organisation, contact, employee or service named does not exist")
	}
	if err != nil {
		return 0, internal(err, "saving interaction")
	}
	return id, nil
}

// nullID maps 0 to NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const interactionColumns = `i.id, coalesce(i.organisation_id, 0), coalesce(i.contact_id, 0), i.kind, i.occurred_at,
	coalesce(i.author_id, 0), coalesce(i.assignee_id, 0), coalesce(i.service_id, 0), i.call_id, i.status, i.summary,
	i.done_at, i.done_note, coalesce(i.done_by_id, 0), i.outcome, i.value_cents, coalesce(i.origin_id, 0),
	coalesce(o.name, ''), coalesce(c.name, ''), coalesce(au.name, ''), coalesce(asg.name, ''), coalesce(sv.code, '')`

const interactionFrom = ` FROM interactions i
	LEFT JOIN organisations o ON o.id = i.organisation_id
	LEFT JOIN contacts c ON c.id = i.contact_id
	LEFT JOIN employees au ON au.id = i.author_id
	LEFT JOIN employees asg ON asg.id = i.assignee_id
	LEFT JOIN services sv ON sv.id = i.service_id`

func scanInteractions(rows *sql.Rows) ([]Interaction, error) {
	defer rows.Close()
	var out []Interaction
	for rows.Next() {
		var it Interaction
		var at int64
		var done sql.NullInt64
		if err := rows.Scan(&it.ID, &it.OrganisationID, &it.ContactID, &it.Kind, &at, &it.AuthorID, &it.AssigneeID,
			&it.ServiceID, &it.CallID, &it.Status, &it.Summary, &done, &it.DoneNote,
			&it.DoneByID, &it.Outcome, &it.Value, &it.OriginID,
			&it.OrganisationName, &it.ContactName, &it.AuthorName, &it.AssigneeName, &it.ServiceCode); err != nil {
			return nil, internal(err, "reading interactions")
		}
		it.OccurredAt, it.DoneAt = time.UnixMilli(at).UTC(), millis(done)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading interactions")
	}
	return out, nil
}

// Interactions returns the latest history of an organisation, newest first.
func (s *Store) Interactions(ctx context.Context, organisationID int64, limit int) ([]Interaction, error) {
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+interactionColumns+interactionFrom+`
		WHERE i.organisation_id = ? ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?`, organisationID, limit)
	if err != nil {
		return nil, internal(err, "reading interactions")
	}
	return scanInteractions(rows)
}

// OpenRequests returns the open callbacks and leads for an organisation,
// oldest first.
func (s *Store) OpenRequests(ctx context.Context, organisationID int64) ([]Interaction, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+interactionColumns+interactionFrom+`
		WHERE i.organisation_id = ? AND i.status = 'open' ORDER BY i.occurred_at, i.id`, organisationID)
	if err != nil {
		return nil, internal(err, "reading open requests")
	}
	return scanInteractions(rows)
}
