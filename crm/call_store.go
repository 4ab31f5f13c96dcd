package crm

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/callcard/callcard/phone"
)

// CallEventInput is one event as a telephone system reported it.
type CallEventInput struct {
	Source     string // "generic", "twilio", "aircall"
	ExternalID string
	Event      CallEvent
	From       string
	To         string
	// ForwardedFrom is the number the call was forwarded from: a number, a
	// SIP URI, or a raw Diversion or History-Info header value.
	ForwardedFrom string
	Agent         string
	OccurredAt    time.Time // zero means now
	// DedupKey identifies the delivery; empty means source, call id and event,
	// since a call rings, is answered and ends at most once.
	DedupKey string
}

// CallEventResult is the outcome of recording an event.
type CallEventResult struct {
	Call      Call
	Duplicate bool      // the same event was already stored; nothing changed
	Live      LiveEvent // what to publish; zero ID when Duplicate
}

// parsedParties holds the normalised numbers of an event, worked out before
// the write transaction so the writer is held as briefly as possible.
type parsedParties struct {
	from, to, forwarded phone.Number
	fromSet, toSet      bool
	forwardedSet        bool
	recognition         Recognition
	callingFor          *Employee
}

func (s *Store) parseParties(ctx context.Context, in CallEventInput) (parsedParties, error) {
	ctx = shortRead(ctx)
	var p parsedParties
	var err error
	if strings.TrimSpace(in.From) != "" || in.Event == EventRinging {
		// A ringing call with no caller number is a withheld caller.
		if p.from, err = s.phone.Normalise(in.From); err != nil {
			return p, &Error{Code: CodeInvalid, Field: "from", Message: err.Error(), Err: err}
		}
		p.fromSet = true
		if p.recognition, err = s.RecogniseNumber(ctx, p.from); err != nil {
			return p, err
		}
	}
	if strings.TrimSpace(in.To) != "" {
		if p.to, err = s.phone.Normalise(in.To); err != nil {
			return p, &Error{Code: CodeInvalid, Field: "to", Message: err.Error(), Err: err}
		}
		p.toSet = true
	}
	if strings.TrimSpace(in.ForwardedFrom) != "" {
		raw, err := phone.ForwardedFrom(in.ForwardedFrom)
		if err == nil {
			p.forwarded, err = s.phone.Normalise(raw)
		}
		if err != nil {
			return p, &Error{Code: CodeInvalid, Field: "forwarded_from", Message: err.Error(), Err: err}
		}
		p.forwardedSet = true
	}
	// Whom the caller tried to reach: the employee whose number forwarded the
	// call, else the employee whose own line or extension was dialled.
	for _, n := range []struct {
		num phone.Number
		set bool
	}{{p.forwarded, p.forwardedSet}, {p.to, p.toSet}} {
		if !n.set {
			continue
		}
		e, err := s.EmployeeByNumber(ctx, n.num)
		if err != nil {
			return p, err
		}
		if e != nil {
			p.callingFor = e
			break
		}
	}
	return p, nil
}

// RecordCallEvent stores one event and updates its call record in a single
// transaction; only after it returns without error may the event be
// acknowledged. A repeated delivery is reported as Duplicate and changes
// nothing.
func (s *Store) RecordCallEvent(ctx context.Context, in CallEventInput) (CallEventResult, error) {
	return s.RecordAndPublishCallEvent(ctx, in, nil)
}

// RecordAndPublishCallEvent is RecordCallEvent that also hands the event's
// live event to publish as soon as it is committed, so that the screens
// need not wait for the flush to disk, which the return still waits for.
// Events committed together are published in id order. publish is not
// called for a duplicate or a refused event; it must not block.
//
// If the flush then fails, the screens have seen an event that is not
// acknowledged; the telephone system delivers it again and it is found as
// a duplicate, and acknowledged once a flush succeeds (none will, until a
// restart: see walFlusher). Live-event ids skip ahead after a restart
// (callEventCommitter), so an id shown before a power cut is never reused.
func (s *Store) RecordAndPublishCallEvent(ctx context.Context, in CallEventInput, publish func(LiveEvent)) (CallEventResult, error) {
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	if in.ExternalID == "" {
		return CallEventResult{}, Errorf(CodeInvalid, "call_id", "no call id given")
	}
	if len(in.ExternalID) > 200 {
		return CallEventResult{}, Errorf(CodeInvalid, "call_id", "the call id is longer than 200 characters")
	}
	if in.Source == "" {
		in.Source = "generic"
	}
	switch in.Event {
	case EventRinging, EventAnswered, EventEnded, EventMissed:
	default:
		return CallEventResult{}, Errorf(CodeInvalid, "event", "%q is not an event (ringing, answered, ended, missed)", in.Event)
	}
	if len(in.Agent) > 200 {
		return CallEventResult{}, Errorf(CodeInvalid, "agent", "the agent is longer than 200 characters")
	}
	now := s.now()
	if in.OccurredAt.IsZero() {
		in.OccurredAt = now
	}
	if in.DedupKey == "" {
		in.DedupKey = in.Source + "\x00" + in.ExternalID + "\x00" + string(in.Event)
	}
	arrived := time.Now()
	parties, err := s.parseParties(ctx, in)
	if err != nil {
		return CallEventResult{}, err
	}
	return s.callEvents.commit(ctx, s, &callEventJob{in: in, parties: parties, now: now, publish: publish, arrived: arrived})
}

// writeCallEvent is RecordCallEvent's part inside the write transaction.
func (s *Store) writeCallEvent(ctx context.Context, tx *txn, in CallEventInput, parties parsedParties, now time.Time) (CallEventResult, error) {
	var seen int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM call_events WHERE dedup_key = ?`, in.DedupKey).Scan(&seen); err != nil {
		return CallEventResult{}, internal(err, "checking for a duplicate event")
	}
	call, found, err := callByExternalID(ctx, tx, in.Source, in.ExternalID)
	if err != nil {
		return CallEventResult{}, err
	}
	if seen > 0 {
		return CallEventResult{Call: call, Duplicate: true}, nil
	}
	created := !found
	if created {
		call = Call{Source: in.Source, ExternalID: in.ExternalID, CreatedAt: now}
	}
	applyParties(&call, parties)
	applyEvent(&call, in)
	call.UpdatedAt = now
	if err := saveCall(ctx, tx, &call); err != nil {
		return CallEventResult{}, err
	}
	eventID, err := insertID(tx.ExecContext(ctx, `INSERT INTO call_events (call_id, dedup_key, event, occurred_at, received_at)
			VALUES (?, ?, ?, ?, ?)`, call.ID, in.DedupKey, in.Event, in.OccurredAt.UnixMilli(), now.UnixMilli()))
	if err != nil {
		return CallEventResult{}, internal(err, "saving call event")
	}
	names := callNames{
		contact:      nameOf(parties.recognition.Contact),
		organisation: parties.recognition.CommonOrganisation().name(),
		employee:     employeeName(parties.recognition.Employee),
		callingFor:   employeeName(parties.callingFor),
	}
	if !parties.fromSet {
		// A later event without a caller number: names come from the record.
		if names, err = namesOf(ctx, tx, call); err != nil {
			return CallEventResult{}, err
		}
	}
	return CallEventResult{Call: call, Live: newLiveEvent(eventID, in.Event, call, names, in.OccurredAt)}, nil
}

// applyParties fills in numbers and who they belong to; a later event never
// blanks what an earlier one said.
func applyParties(c *Call, p parsedParties) {
	if p.fromSet && c.From.Raw == "" {
		c.From = CallNumber{Raw: p.from.Raw, E164: p.from.E164, National: p.from.National}
		r := p.recognition
		c.Match = r.Match
		if r.Contact != nil {
			c.ContactID = r.Contact.ID
		}
		if r.Employee != nil {
			c.EmployeeID = r.Employee.ID
		}
		if o := r.CommonOrganisation(); o != nil {
			c.OrganisationID = o.ID
		}
	}
	if p.toSet && c.To.Raw == "" {
		c.To = CallNumber{Raw: p.to.Raw, E164: p.to.E164}
	}
	if p.forwardedSet && c.ForwardedFrom.Raw == "" {
		c.ForwardedFrom = CallNumber{Raw: p.forwarded.Raw, E164: p.forwarded.E164}
	}
	if p.callingFor != nil && c.CallingForID == 0 {
		c.CallingForID = p.callingFor.ID
	}
}

// applyEvent records when the event happened; status follows from the times.
func applyEvent(c *Call, in CallEventInput) {
	at := in.OccurredAt.UTC()
	setEarliest := func(t *time.Time) {
		if t.IsZero() || at.Before(*t) {
			*t = at
		}
	}
	switch in.Event {
	case EventRinging:
		setEarliest(&c.RingingAt)
	case EventAnswered:
		setEarliest(&c.AnsweredAt)
	case EventEnded:
		setEarliest(&c.EndedAt)
	case EventMissed:
		setEarliest(&c.EndedAt)
		c.Missed = true
	}
	if in.Agent != "" && c.Agent == "" {
		c.Agent = strings.TrimSpace(in.Agent)
	}
	c.deriveStatus()
}

const callColumns = `id, source, external_id, status, from_raw, from_e164, from_national, to_raw, to_e164, forwarded_raw, forwarded_e164,
	match, coalesce(contact_id, 0), coalesce(organisation_id, 0), coalesce(employee_id, 0), coalesce(calling_for_id, 0),
	agent, coalesce(taken_by_id, 0), ringing_at, answered_at, ended_at, missed, handled_at, created_at, updated_at`

func scanCall(row interface{ Scan(...any) error }) (Call, error) {
	var c Call
	var ringing, answered, ended, handled sql.NullInt64
	var created, updated int64
	err := row.Scan(&c.ID, &c.Source, &c.ExternalID, &c.Status, &c.From.Raw, &c.From.E164, &c.From.National, &c.To.Raw, &c.To.E164,
		&c.ForwardedFrom.Raw, &c.ForwardedFrom.E164, &c.Match, &c.ContactID, &c.OrganisationID, &c.EmployeeID,
		&c.CallingForID, &c.Agent, &c.TakenByID, &ringing, &answered, &ended, &c.Missed, &handled, &created, &updated)
	c.RingingAt, c.AnsweredAt, c.EndedAt, c.HandledAt = millis(ringing), millis(answered), millis(ended), millis(handled)
	c.CreatedAt, c.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return c, err
}

func callByExternalID(ctx context.Context, tx *txn, source, externalID string) (Call, bool, error) {
	c, err := scanCall(tx.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE source = ? AND external_id = ?`, source, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return Call{}, false, nil
	}
	if err != nil {
		return Call{}, false, internal(err, "reading call")
	}
	return c, true, nil
}

func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// saveCall inserts or updates the call row and sets c.ID.
func saveCall(ctx context.Context, tx *txn, c *Call) error {
	args := []any{c.Status, c.From.Raw, c.From.E164, c.From.National, c.To.Raw, c.To.E164, c.ForwardedFrom.Raw, c.ForwardedFrom.E164,
		string(c.Match), nullID(c.ContactID), nullID(c.OrganisationID), nullID(c.EmployeeID), nullID(c.CallingForID), c.Agent,
		nullID(c.TakenByID), timeArg(c.RingingAt), timeArg(c.AnsweredAt), timeArg(c.EndedAt), c.Missed,
		timeArg(c.HandledAt), c.UpdatedAt.UnixMilli()}
	if c.ID != 0 {
		_, err := tx.ExecContext(ctx, `UPDATE calls SET status = ?, from_raw = ?, from_e164 = ?, from_national = ?, to_raw = ?, to_e164 = ?,
			forwarded_raw = ?, forwarded_e164 = ?, match = ?, contact_id = ?, organisation_id = ?, employee_id = ?, calling_for_id = ?,
			agent = ?, taken_by_id = ?, ringing_at = ?, answered_at = ?, ended_at = ?, missed = ?, handled_at = ?,
			updated_at = ? WHERE id = ?`, append(args, c.ID)...)
		if err != nil {
			return internal(err, "saving call")
		}
		return nil
	}
	id, err := insertID(tx.ExecContext(ctx, `INSERT INTO calls (status, from_raw, from_e164, from_national, to_raw, to_e164,
		forwarded_raw, forwarded_e164, match, contact_id, organisation_id, employee_id, calling_for_id, agent, taken_by_id,
		ringing_at, answered_at, ended_at, missed, handled_at, updated_at, source, external_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(args, c.Source, c.ExternalID, c.CreatedAt.UnixMilli())...))
	c.ID = id
	if err != nil {
		return internal(err, "saving call")
	}
	return nil
}

// callNames are the names a live event shows.
type callNames struct {
	contact, organisation, employee, callingFor, takenBy string
}

func nameOf(c *Contact) string {
	if c == nil {
		return ""
	}
	return c.Name
}

func employeeName(e *Employee) string {
	if e == nil {
		return ""
	}
	return e.Name
}

// namesOf reads the names a stored call points at.
func namesOf(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, c Call) (callNames, error) {
	var n callNames
	err := q.QueryRowContext(ctx, namesQuery,
		c.ContactID, c.OrganisationID, c.EmployeeID, c.CallingForID, c.TakenByID).Scan(n.dest()...)
	if err != nil {
		return n, internal(err, "reading call names")
	}
	return n, nil
}

// The statements that name a call's parties, built once: they run on every
// webhook without a caller number, every reload of today's calls and every
// catch-up of a screen.
var (
	namesQuery = `SELECT ` + callNameColumns("?", "?", "?", "?", "?")
	// liveEventsQuery reads events with their calls; the k_ columns carry
	// the raw ids the names are looked up by.
	liveEventsQuery = `SELECT ev.id, ev.event, ev.occurred_at, c.*,
		` + callNameColumns("c.k_contact", "c.k_organisation", "c.k_employee", "c.k_calling_for", "c.k_taken_by") + `
		FROM call_events ev JOIN (SELECT ` + callColumns + `, contact_id AS k_contact, organisation_id AS k_organisation,
			employee_id AS k_employee, calling_for_id AS k_calling_for, taken_by_id AS k_taken_by FROM calls) c
		ON c.id = ev.call_id WHERE ev.id > ? ORDER BY ev.id LIMIT ?`
	todaysCallsQuery = `SELECT ` + callColumns + `,
		` + callNameColumns("calls.contact_id", "calls.organisation_id", "calls.employee_id", "calls.calling_for_id", "calls.taken_by_id") + `
		FROM calls WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?`
)

// callNameColumns selects the names behind a call's parties, given the SQL
// of each id (a parameter or a column), in the order callNames.dest scans.
func callNameColumns(contact, organisation, employee, callingFor, takenBy string) string {
	return `coalesce((SELECT name FROM contacts WHERE id = ` + contact + `), ''),
		coalesce((SELECT name FROM organisations WHERE id = ` + organisation + `), ''),
		coalesce((SELECT name FROM employees WHERE id = ` + employee + `), ''),
		coalesce((SELECT name FROM employees WHERE id = ` + callingFor + `), ''),
		coalesce((SELECT name FROM employees WHERE id = ` + takenBy + `), '')`
}

// dest is where a row of callNameColumns scans to.
func (n *callNames) dest() []any {
	return []any{&n.contact, &n.organisation, &n.employee, &n.callingFor, &n.takenBy}
}

func newLiveEvent(id int64, ev CallEvent, c Call, n callNames, at time.Time) LiveEvent {
	from := c.From.E164
	if from == "" {
		from = c.From.Raw
	}
	return LiveEvent{ID: id, Event: ev, CallID: c.ID, ExternalID: c.ExternalID, Source: c.Source, Status: string(c.Status),
		From: from, FromNational: c.From.National, Match: c.Match, DisplayName: displayName(c.Match, n.contact, n.organisation, n.employee),
		ContactName: n.contact, OrganisationName: n.organisation, CallingForName: n.callingFor, TakenByName: n.takenBy,
		OccurredAt: at.UTC()}
}

// LiveEventsSince returns committed events after id, oldest first, at most
// limit: what a screen that reconnects with Last-Event-ID missed.
func (s *Store) LiveEventsSince(ctx context.Context, afterID int64, limit int) ([]LiveEvent, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	// Names in the same query: a screen that catches up reads hundreds of
	// events, and a query per event made catching up slower than falling
	// behind.
	rows, err := s.read.QueryContext(ctx, liveEventsQuery, afterID, limit)
	if err != nil {
		return nil, internal(err, "reading events")
	}
	defer rows.Close()
	var out []LiveEvent
	for rows.Next() {
		var id, at int64
		var ev CallEvent
		var n callNames
		var ids [5]sql.NullInt64 // the k_ columns, only for the names
		call, err := scanCall(rowScanner(func(dest ...any) error {
			dest = append(append([]any{&id, &ev, &at}, dest...), &ids[0], &ids[1], &ids[2], &ids[3], &ids[4])
			return rows.Scan(append(dest, n.dest()...)...)
		}))
		if err != nil {
			return nil, internal(err, "reading events")
		}
		out = append(out, newLiveEvent(id, ev, call, n, time.UnixMilli(at)))
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading events")
	}
	return out, nil
}

// LastLiveEventID is the id of the newest committed event, 0 if none.
func (s *Store) LastLiveEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM call_events`).Scan(&id); err != nil {
		return 0, internal(err, "reading events")
	}
	return id, nil
}

// CallByRef finds a call by the telephone system's call id (the newest if
// several sources used the same id) or else by callcard's own numeric id.
func (s *Store) CallByRef(ctx context.Context, ref string) (Call, error) {
	ctx = shortRead(ctx)
	ref = strings.TrimSpace(ref)
	c, err := scanCall(s.read.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE external_id = ? ORDER BY id DESC LIMIT 1`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
			c, err = scanCall(s.read.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE id = ?`, id))
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Call{}, Errorf(CodeNotFound, "call_id", "no call %q", ref)
	}
	if err != nil {
		return Call{}, internal(err, "reading call")
	}
	return c, nil
}

// Calls lists calls created at or after since (zero: any time), newest first.
func (s *Store) Calls(ctx context.Context, since time.Time, limit int) ([]Call, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+callColumns+` FROM calls WHERE created_at >= ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, since.UnixMilli(), limit)
	if err != nil {
		return nil, internal(err, "listing calls")
	}
	defer rows.Close()
	var out []Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, internal(err, "listing calls")
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing calls")
	}
	return out, nil
}
