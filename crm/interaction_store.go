package crm

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
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
//
// The entry of a recognised call ("Incoming call from 06 12345678 for Sanne
// Visser") is not stored when the call rings: it is read from the call
// itself. Storing it wrote six more b-trees on every ringing call, and was
// the one change that moved the webhook tail (docs/performance.md). Calls
// that already have a stored entry (in registers from before, or written
// out by a privacy request or the retention period: writeCallEntry) are
// not read twice.
func (s *Store) Interactions(ctx context.Context, organisationID int64, limit int) ([]Interaction, error) {
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	rows, err := s.read.QueryContext(ctx, storedHistoryQuery, organisationID, limit)
	if err != nil {
		return nil, internal(err, "reading interactions")
	}
	stored, err := scanInteractions(rows)
	if err != nil {
		return nil, err
	}
	calls, err := s.callEntries(ctx, organisationID, limit)
	if err != nil {
		return nil, err
	}
	// Both are newest first: merge them, a stored entry before a call at
	// the same moment.
	out := make([]Interaction, 0, min(limit, len(stored)+len(calls)))
	for len(out) < limit && (len(stored) > 0 || len(calls) > 0) {
		if len(calls) == 0 || len(stored) > 0 && !stored[0].OccurredAt.Before(calls[0].OccurredAt) {
			out, stored = append(out, stored[0]), stored[1:]
		} else {
			out, calls = append(out, calls[0]), calls[1:]
		}
	}
	return out, nil
}

// storedHistoryQuery reads an organisation's stored history, newest first,
// through interactions_organisation. ?1 is the organisation, ?2 the limit.
const storedHistoryQuery = `SELECT ` + interactionColumns + interactionFrom + `
	WHERE i.organisation_id = ?1 ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?2`

// callHistoryQuery reads the organisation's calls that have no stored
// entry, newest first, through calls_organisation, and finds a stored entry
// through interactions_call. ?1 is the organisation, ?2 the limit.
const callHistoryQuery = `SELECT c.id, coalesce(c.contact_id, 0), c.created_at, c.from_national,
		coalesce(o.name, ''), coalesce(ct.name, ''), coalesce(cf.name, '')
	FROM calls c
	LEFT JOIN organisations o ON o.id = c.organisation_id
	LEFT JOIN contacts ct ON ct.id = c.contact_id
	LEFT JOIN employees cf ON cf.id = c.calling_for_id
	WHERE c.organisation_id = ?1 AND NOT EXISTS (` + storedCallEntry + `)
	ORDER BY c.created_at DESC LIMIT ?2`

// storedCallEntry finds the stored entry of call c, if it has one, through
// interactions_call, whose partial index is used only with the term that
// call_id is not empty.
const storedCallEntry = `SELECT 1 FROM interactions x WHERE x.call_id = CAST(c.id AS TEXT) AND x.call_id <> '' AND x.kind = 'call'`

// callEntries reads the entries of the organisation's calls that have none
// stored (see Interactions), newest first; such an entry has id 0.
func (s *Store) callEntries(ctx context.Context, organisationID int64, limit int) ([]Interaction, error) {
	rows, err := s.read.QueryContext(ctx, callHistoryQuery, organisationID, limit)
	if err != nil {
		return nil, internal(err, "reading calls for history")
	}
	defer rows.Close()
	var out []Interaction
	for rows.Next() {
		var callID, at int64
		var fromNational, callingFor string
		it := Interaction{OrganisationID: organisationID, Kind: KindCall}
		if err := rows.Scan(&callID, &it.ContactID, &at, &fromNational, &it.OrganisationName, &it.ContactName, &callingFor); err != nil {
			return nil, internal(err, "reading calls for history")
		}
		it.CallID, it.OccurredAt = strconv.FormatInt(callID, 10), time.UnixMilli(at).UTC()
		it.Summary = s.words.callSummary(fromNational, callingFor)
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading calls for history")
	}
	return out, nil
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

// derivedCallEntry is the history entry a recognised call reads as while it
// has none stored (see Interactions), as the call reads now; ok is false for
// a call with a stored entry, or one that was not recognised.
func (s *Store) derivedCallEntry(ctx context.Context, q querier, callID int64) (in InteractionInput, ok bool, err error) {
	var org, contact sql.NullInt64
	var at int64
	var fromNational, callingFor string
	var stored bool
	err = q.QueryRowContext(ctx, `SELECT c.organisation_id, c.contact_id, c.created_at, c.from_national, coalesce(e.name, ''),
			EXISTS (`+storedCallEntry+`)
		FROM calls c LEFT JOIN employees e ON e.id = c.calling_for_id WHERE c.id = ?`, callID).
		Scan(&org, &contact, &at, &fromNational, &callingFor, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return in, false, nil
	}
	if err != nil {
		return in, false, internal(err, "reading call")
	}
	if stored || !org.Valid && !contact.Valid {
		return in, false, nil
	}
	return InteractionInput{OrganisationID: org.Int64, ContactID: contact.Int64, Kind: KindCall, OccurredAt: time.UnixMilli(at).UTC(),
		CallID: strconv.FormatInt(callID, 10), Summary: s.words.callSummary(fromNational, callingFor)}, true, nil
}

// writeCallEntry stores the entry derivedCallEntry reads, so that a privacy
// request or the retention period can blank or reword it like any stored
// entry. It returns the new entry's id, or 0 when there was none to store.
func (s *Store) writeCallEntry(ctx context.Context, tx *txn, callID int64) (int64, error) {
	in, ok, err := s.derivedCallEntry(ctx, tx, callID)
	if err != nil || !ok {
		return 0, err
	}
	return addInteraction(ctx, tx, in)
}
