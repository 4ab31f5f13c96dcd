package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Privacy: what the register holds about one person, their right to see it
// (SubjectAccessExport) and to be forgotten (EraseContact), how long caller
// numbers are kept (AnonymiseCallsOlderThan) and the audit log of who looked
// at or changed personal data.
//
// Where a person's data lives:
//   - contacts: their name, job title, e-mail and language;
//   - phone_numbers: their numbers (contact_id);
//   - interactions: history linked to them (contact_id), entries of their
//     organisation that name them or their number in the text, and the
//     'call' entry of every call from their numbers ("Incoming call from
//     06 12345678");
//   - calls: the caller's number (from_raw, from_e164, from_national) and
//     the link to them (contact_id).
//
// Call events, the audit log, organisations and our own staff hold no
// personal data of a client's people.

// Audit actions. The detail of an entry never holds personal data: people
// are named by id only.
const (
	AuditCardOpened         = "card.opened"          // a caller card was shown (subject: call)
	AuditContactCreated     = "contact.created"      // subject: contact
	AuditContactUpdated     = "contact.updated"      // subject: contact
	AuditContactViewed      = "contact.viewed"       // an admin opened their privacy page (subject: contact)
	AuditContactErased      = "contact.erased"       // subject: contact (gone afterwards)
	AuditContactExported    = "contact.exported"     // a subject-access export (subject: contact)
	AuditOrganisationCreate = "organisation.created" // subject: organisation
	AuditOrganisationUpdate = "organisation.updated" // subject: organisation
	AuditUserCreated        = "user.created"         // subject: user
	AuditUserDisabled       = "user.disabled"        // subject: user
	AuditUserEnabled        = "user.enabled"         // subject: user
	AuditPasswordReset      = "user.password_reset"  // subject: user
	AuditTokenCreated       = "token.created"        // subject: token
	AuditTokenRevoked       = "token.revoked"        // subject: token (by name in detail)
	AuditCallsAnonymised    = "calls.anonymised"     // retention ran (detail: how many)
)

// AuditEntry is one line of the audit log. UserID is the console user who
// acted; Actor names anyone else (an API token as "token NAME", the command
// line, retention). Detail must hold no personal data: no names or numbers
// of clients' people.
type AuditEntry struct {
	ID          int64
	At          time.Time
	UserID      int64
	Actor       string
	Action      string
	SubjectKind string // "call", "contact", "organisation", "user", "token" or ""
	SubjectID   int64
	Detail      string

	UserName string // filled in by AuditLog for display
}

// Who returns who acted, for display: the user's name, else the actor.
func (e AuditEntry) Who() string {
	switch {
	case e.UserName != "":
		return e.UserName
	case e.Actor != "":
		return e.Actor
	case e.UserID != 0:
		return "user #" + strconv.FormatInt(e.UserID, 10)
	}
	return "system"
}

// Audit appends one entry to the audit log.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if strings.TrimSpace(e.Action) == "" {
		return Errorf(CodeInvalid, "action", "an audit entry needs an action")
	}
	return s.inTx(ctx, func(tx *txn) error {
		_, err := s.insertAudit(ctx, tx, e)
		return err
	})
}

func (s *Store) insertAudit(ctx context.Context, tx *txn, e AuditEntry) (int64, error) {
	at := e.At
	if at.IsZero() {
		at = s.now()
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO audit_log (at, user_id, actor, action, subject_kind, subject_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		at.UnixMilli(), nullID(e.UserID), e.Actor, e.Action, e.SubjectKind, e.SubjectID, e.Detail).Scan(&id)
	if err != nil {
		return 0, internal(err, "writing audit log")
	}
	return id, nil
}

// AuditLog returns up to limit entries older than the entry with id before
// (0: the newest), newest first.
func (s *Store) AuditLog(ctx context.Context, limit int, before int64) ([]AuditEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.read.QueryContext(ctx, `SELECT a.id, a.at, coalesce(a.user_id, 0), a.actor, a.action, a.subject_kind,
		a.subject_id, a.detail, coalesce(u.name, '')
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.id < ? ORDER BY a.id DESC LIMIT ?`, before, limit)
	if err != nil {
		return nil, internal(err, "reading audit log")
	}
	return scanAudit(rows)
}

func scanAudit(rows *sql.Rows) ([]AuditEntry, error) {
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.SubjectKind, &e.SubjectID, &e.Detail, &e.UserName); err != nil {
			return nil, internal(err, "reading audit log")
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading audit log")
	}
	return out, nil
}

// ErasureReport says what EraseContact removed, in counts only.
type ErasureReport struct {
	ContactID      int64
	OrganisationID int64 // the organisation they were at, 0 if none; it stays
	Numbers        int   // phone numbers deleted
	Interactions   int   // history entries blanked and unlinked
	Calls          int   // call records anonymised
	AuditID        int64 // the audit entry that records the erasure
}

// EraseContact removes one person's personal data from the register, in one
// transaction: their numbers are deleted, so the number is unknown from then
// on; their history entries (and entries of their organisation that name
// them or their number) lose their text and their link to the person; calls
// from their numbers lose the caller's number and the link; and the contact
// row is deleted. Organisations, staff and the commercial figures (values,
// leads won) stay. The audit entry records who erased contact #id and how
// much, and nothing that identifies the person.
//
// The contact row is deleted rather than blanked: every reference to it is
// nullable, so nothing needs a placeholder, and a blanked row would still be
// a record of someone.
func (s *Store) EraseContact(ctx context.Context, contactID, byUserID int64) (ErasureReport, error) {
	rep := ErasureReport{ContactID: contactID}
	if contactID <= 0 {
		return rep, Errorf(CodeNotFound, "contact", "no contact with id %d", contactID)
	}
	err := s.inTx(ctx, func(tx *txn) error {
		t, err := s.findTraces(ctx, tx, contactID)
		if err != nil {
			return err
		}
		rep.OrganisationID = t.contact.OrganisationID
		// The entry of a call from them is read from the call
		// (Interactions); it is written out here, to be blanked with the
		// others, so that it does not come back reworded.
		for _, call := range t.calls {
			id, err := s.writeCallEntry(ctx, tx, call)
			if err != nil {
				return err
			}
			if id != 0 {
				t.interactions = append(t.interactions, tracedInteraction{id: id})
			}
		}
		for _, id := range t.interactions {
			if _, err := tx.ExecContext(ctx, `UPDATE interactions SET summary = '', done_note = '',
				contact_id = NULL WHERE id = ?`, id.id); err != nil {
				return internal(err, "erasing history")
			}
		}
		rep.Interactions = len(t.interactions)
		for _, id := range t.calls {
			// A call that recognised this person becomes a call from their
			// organisation (or an unknown caller): its card must not say
			// "contact" with no one behind it.
			if _, err := tx.ExecContext(ctx, `UPDATE calls SET from_raw = '', from_e164 = '', from_national = '',
				match = CASE WHEN contact_id = ?2 AND match = 'contact'
					THEN CASE WHEN organisation_id IS NULL THEN 'unknown' ELSE 'organisation' END ELSE match END,
				contact_id = CASE WHEN contact_id = ?2 THEN NULL ELSE contact_id END
				WHERE id = ?1`, id, contactID); err != nil {
				return internal(err, "anonymising calls")
			}
		}
		rep.Calls = len(t.calls)
		res, err := tx.ExecContext(ctx, `DELETE FROM phone_numbers WHERE contact_id = ?`, contactID)
		if err != nil {
			return internal(err, "erasing numbers")
		}
		n, _ := res.RowsAffected()
		rep.Numbers = int(n)
		if _, err := tx.ExecContext(ctx, `DELETE FROM contacts WHERE id = ?`, contactID); err != nil {
			return internal(err, "erasing contact")
		}
		e := AuditEntry{UserID: byUserID, Action: AuditContactErased, SubjectKind: "contact", SubjectID: contactID,
			Detail: fmt.Sprintf("%d numbers, %d history entries, %d calls", rep.Numbers, rep.Interactions, rep.Calls)}
		if byUserID == 0 {
			e.Actor = "command line"
		}
		rep.AuditID, err = s.insertAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		return ErasureReport{ContactID: contactID}, err
	}
	return rep, nil
}

// traces is everything the register holds about one contact.
type traces struct {
	contact      Contact
	orgName      string
	numbers      []PhoneNumber
	forms        []string // the numbers as they may be written in text
	interactions []tracedInteraction
	calls        []int64
}

type tracedInteraction struct {
	id     int64
	linked bool // linked to the contact, not only naming them
}

// findTraces finds a contact's data. Interactions count as theirs when they
// are linked to the contact, when they are the history entry of a call from
// one of their numbers, or when an entry of their organisation names them:
// their full name (any case), one of their numbers as stored, in E.164 or
// written nationally, or their first name as a word when no one else at the
// organisation shares it.
func (s *Store) findTraces(ctx context.Context, q querier, contactID int64) (traces, error) {
	var t traces
	c, err := scanContact(q.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE id = ?`, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return t, Errorf(CodeNotFound, "contact", "no contact with id %d", contactID)
	}
	if err != nil {
		return t, internal(err, "reading contact")
	}
	t.contact = c
	if c.OrganisationID != 0 {
		if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, c.OrganisationID).Scan(&t.orgName); err != nil {
			return t, internal(err, "reading organisation")
		}
	}
	if t.numbers, err = numbersIn(ctx, q, contactID); err != nil {
		return t, err
	}
	seenForm := map[string]bool{}
	addForm := func(f string) {
		f = strings.TrimSpace(f)
		if len(f) >= 6 && !seenForm[f] {
			seenForm[f] = true
			t.forms = append(t.forms, f)
		}
	}
	for _, n := range t.numbers {
		addForm(n.E164)
		addForm(n.Raw)
		if num, err := s.phone.Normalise(n.E164); err == nil {
			addForm(num.National)
		}
	}

	// Calls from their numbers, and calls recognised as them.
	callSet := map[int64]bool{}
	addCalls := func(query string, args ...any) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return internal(err, "finding calls")
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return internal(err, "finding calls")
			}
			if !callSet[id] {
				callSet[id] = true
				t.calls = append(t.calls, id)
			}
		}
		return rows.Err()
	}
	for _, n := range t.numbers {
		if err := addCalls(`SELECT id FROM calls WHERE from_e164 = ? ORDER BY id`, n.E164); err != nil {
			return t, err
		}
	}
	if err := addCalls(`SELECT id FROM calls WHERE contact_id = ? ORDER BY id`, contactID); err != nil {
		return t, err
	}

	// History: linked entries, the entries of those calls, and entries of
	// their organisation that name them.
	seen := map[int64]bool{}
	add := func(id int64, linked bool) {
		if !seen[id] {
			seen[id] = true
			t.interactions = append(t.interactions, tracedInteraction{id: id, linked: linked})
		}
	}
	ids, err := queryIDs(ctx, q, `SELECT id FROM interactions WHERE contact_id = ? ORDER BY id`, contactID)
	if err != nil {
		return t, err
	}
	for _, id := range ids {
		add(id, true)
	}
	for _, call := range t.calls {
		ids, err := queryIDs(ctx, q, `SELECT id FROM interactions WHERE call_id = ? AND kind = 'call'`, strconv.FormatInt(call, 10))
		if err != nil {
			return t, err
		}
		for _, id := range ids {
			add(id, false)
		}
	}
	if c.OrganisationID != 0 {
		first, err := uniqueFirstName(ctx, q, c)
		if err != nil {
			return t, err
		}
		rows, err := q.QueryContext(ctx, `SELECT id, summary, done_note FROM interactions WHERE organisation_id = ?
			AND coalesce(contact_id, 0) <> ? ORDER BY id`, c.OrganisationID, contactID)
		if err != nil {
			return t, internal(err, "reading history")
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var summary, note string
			if err := rows.Scan(&id, &summary, &note); err != nil {
				return t, internal(err, "reading history")
			}
			if t.names(summary, first) || t.names(note, first) {
				add(id, false)
			}
		}
		if err := rows.Err(); err != nil {
			return t, internal(err, "reading history")
		}
	}
	return t, nil
}

// names reports whether text names the contact (see findTraces).
func (t *traces) names(text, firstName string) bool {
	if text == "" {
		return false
	}
	if utf8.RuneCountInString(t.contact.Name) >= 4 && strings.Contains(strings.ToLower(text), strings.ToLower(t.contact.Name)) {
		return true
	}
	for _, f := range t.forms {
		if strings.Contains(text, f) {
			return true
		}
	}
	return firstName != "" && containsWord(text, firstName)
}

// uniqueFirstName is the contact's first name when it is at least three
// letters and no one else at their organisation has it; "" otherwise.
func uniqueFirstName(ctx context.Context, q querier, c Contact) (string, error) {
	fields := strings.Fields(c.Name)
	if len(fields) < 2 || utf8.RuneCountInString(fields[0]) < 3 {
		return "", nil
	}
	first := fields[0]
	var others int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE organisation_id = ? AND id <> ?
		AND (name_key = ?3 OR name_key LIKE ?3 || ' %')`, c.OrganisationID, c.ID, strings.ToLower(first)).Scan(&others)
	if err != nil {
		return "", internal(err, "reading contacts")
	}
	if others > 0 {
		return "", nil
	}
	return first, nil
}

// containsWord reports whether word occurs in text with no letter or digit
// directly before or after it; case matters, as it does for names.
func containsWord(text, word string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = start + 1
	}
}

func numbersIn(ctx context.Context, q querier, contactID int64) ([]PhoneNumber, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, e164, raw, label FROM phone_numbers WHERE contact_id = ? ORDER BY id`, contactID)
	if err != nil {
		return nil, internal(err, "reading numbers")
	}
	defer rows.Close()
	var out []PhoneNumber
	for rows.Next() {
		var n PhoneNumber
		if err := rows.Scan(&n.ID, &n.E164, &n.Raw, &n.Label); err != nil {
			return nil, internal(err, "reading numbers")
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading numbers")
	}
	return out, nil
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, internal(err, "reading ids")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, internal(err, "reading ids")
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading ids")
	}
	return out, nil
}

// SubjectAccess is everything the register holds about one person, for a
// subject-access request (GDPR article 15). It marshals to JSON as is.
type SubjectAccess struct {
	GeneratedAt  time.Time            `json:"generated_at"`
	Contact      SubjectContact       `json:"contact"`
	Organisation string               `json:"organisation,omitempty"`
	Numbers      []SubjectNumber      `json:"numbers"`
	Interactions []SubjectInteraction `json:"history"`
	Calls        []SubjectCall        `json:"calls"`
	Accesses     []SubjectAccessEntry `json:"accesses"`
}

// SubjectContact is the person as registered.
type SubjectContact struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	JobTitle  string    `json:"job_title,omitempty"`
	Email     string    `json:"email,omitempty"`
	Language  string    `json:"language,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubjectNumber is one of their numbers.
type SubjectNumber struct {
	Number  string `json:"number"` // E.164
	AsGiven string `json:"as_given"`
	Label   string `json:"label"`
}

// SubjectInteraction is a history entry linked to them or naming them.
type SubjectInteraction struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	OccurredAt  time.Time `json:"occurred_at"`
	Summary     string    `json:"summary,omitempty"`
	Status      string    `json:"status,omitempty"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	DoneNote    string    `json:"done_note,omitempty"`
	LinkedToYou bool      `json:"linked_to_you"` // false: an entry of the organisation that names you
}

// SubjectCall is a call from one of their numbers or recognised as them.
type SubjectCall struct {
	ID         int64     `json:"id"`
	From       string    `json:"from,omitempty"`
	To         string    `json:"to,omitempty"`
	Status     string    `json:"status"`
	RingingAt  time.Time `json:"ringing_at,omitzero"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
	CallingFor string    `json:"calling_for,omitempty"` // the employee they tried to reach
}

// SubjectAccessEntry is one time someone opened their data, from the audit log.
type SubjectAccessEntry struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	By     string    `json:"by"` // a role ("receptionist") or "telephone system"
}

// SubjectAccessExport gathers everything held about one contact: what
// EraseContact would remove, plus who opened it (roles, not names of staff).
func (s *Store) SubjectAccessExport(ctx context.Context, contactID int64) (SubjectAccess, error) {
	// One read transaction, so the parts agree with each other.
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return SubjectAccess{}, internal(err, "starting read")
	}
	defer tx.Rollback()
	t, err := s.findTraces(ctx, tx, contactID)
	if err != nil {
		return SubjectAccess{}, err
	}
	c := t.contact
	sa := SubjectAccess{GeneratedAt: s.now().UTC(), Organisation: t.orgName,
		Contact: SubjectContact{ID: c.ID, Name: c.Name, JobTitle: c.JobTitle, Email: c.Email, Language: c.Language,
			CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt},
		Numbers: []SubjectNumber{}, Interactions: []SubjectInteraction{}, Calls: []SubjectCall{}, Accesses: []SubjectAccessEntry{}}
	for _, n := range t.numbers {
		sa.Numbers = append(sa.Numbers, SubjectNumber{Number: n.E164, AsGiven: n.Raw, Label: string(n.Label)})
	}
	for _, ti := range t.interactions {
		var it SubjectInteraction
		var at int64
		var done sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT id, kind, occurred_at, summary, status, done_at, done_note
			FROM interactions WHERE id = ?`, ti.id).Scan(&it.ID, &it.Kind, &at, &it.Summary, &it.Status, &done, &it.DoneNote)
		if err != nil {
			return SubjectAccess{}, internal(err, "reading history")
		}
		it.OccurredAt, it.DoneAt, it.LinkedToYou = time.UnixMilli(at).UTC(), millis(done), ti.linked
		sa.Interactions = append(sa.Interactions, it)
	}
	for _, id := range t.calls {
		// The history entry a call from them reads as, when none is stored
		// (Interactions).
		in, ok, err := s.derivedCallEntry(ctx, tx, id)
		if err != nil {
			return SubjectAccess{}, err
		}
		if ok {
			sa.Interactions = append(sa.Interactions, SubjectInteraction{Kind: string(in.Kind), OccurredAt: in.OccurredAt,
				Summary: in.Summary})
		}
		call, err := scanCall(tx.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE id = ?`, id))
		if err != nil {
			return SubjectAccess{}, internal(err, "reading calls")
		}
		sc := SubjectCall{ID: call.ID, From: firstNonBlank(call.From.E164, call.From.Raw), To: firstNonBlank(call.To.E164, call.To.Raw),
			Status: string(call.Status), RingingAt: call.RingingAt, AnsweredAt: call.AnsweredAt, EndedAt: call.EndedAt}
		if call.CallingForID != 0 {
			_ = tx.QueryRowContext(ctx, `SELECT name FROM employees WHERE id = ?`, call.CallingForID).Scan(&sc.CallingFor)
		}
		sa.Calls = append(sa.Calls, sc)
	}
	subjects := []struct {
		kind string
		id   int64
	}{{"contact", contactID}}
	for _, id := range t.calls {
		subjects = append(subjects, struct {
			kind string
			id   int64
		}{"call", id})
	}
	for _, sub := range subjects {
		rows, err := tx.QueryContext(ctx, `SELECT a.at, a.action, coalesce(u.role, ''), a.actor
			FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
			WHERE a.subject_kind = ? AND a.subject_id = ? ORDER BY a.id`, sub.kind, sub.id)
		if err != nil {
			return SubjectAccess{}, internal(err, "reading audit log")
		}
		for rows.Next() {
			var e SubjectAccessEntry
			var at int64
			var role, actor string
			if err := rows.Scan(&at, &e.Action, &role, &actor); err != nil {
				rows.Close()
				return SubjectAccess{}, internal(err, "reading audit log")
			}
			e.At, e.By = time.UnixMilli(at).UTC(), strings.ReplaceAll(role, "_", " ")
			switch {
			case strings.HasPrefix(actor, "token "):
				e.By = "telephone system"
			case e.By == "" && actor != "":
				e.By = actor
			}
			sa.Accesses = append(sa.Accesses, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return SubjectAccess{}, internal(err, "reading audit log")
		}
	}
	return sa, nil
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// DefaultRetention is how long caller numbers are kept on call records:
// two years.
const DefaultRetention = 2 * 365 * 24 * time.Hour

// retentionBatch is how many calls one retention transaction anonymises,
// so the writer is never held for long.
const retentionBatch = 500

// AnonymiseCallsOlderThan blanks the caller's number of every call that
// started before the cutoff, and removes the number from the text of those
// calls' history entries ("Incoming call from 06 12345678" becomes
// "Incoming call from (number removed)"). Who the call was recognised as
// stays: that is register data, kept or erased with the contact. It works
// in small transactions and returns how many calls it changed.
func (s *Store) AnonymiseCallsOlderThan(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := s.inTx(ctx, func(tx *txn) error {
			ids, err := queryIDs(ctx, tx, `SELECT id FROM calls WHERE created_at < ?
				AND (from_raw <> '' OR from_e164 <> '' OR from_national <> '') ORDER BY created_at LIMIT ?`,
				before.UnixMilli(), retentionBatch)
			if err != nil {
				return err
			}
			for _, id := range ids {
				// The call's entry, read from the call until now
				// (Interactions), is written out first and reworded below,
				// so that it keeps saying a number was removed.
				if _, err := s.writeCallEntry(ctx, tx, id); err != nil {
					return err
				}
				// Short texts (an extension, "anonymous") are not numbers
				// anyone could be found by, and would match ordinary words.
				if _, err := tx.ExecContext(ctx, `WITH n (national, e164, raw) AS (
						SELECT from_national, from_e164, CASE WHEN length(from_raw) >= 6 THEN from_raw ELSE '' END
						FROM calls WHERE id = ?1)
					UPDATE interactions SET summary = replace(replace(replace(summary,
						(SELECT national FROM n), '(number removed)'),
						(SELECT e164 FROM n), '(number removed)'),
						(SELECT raw FROM n), '(number removed)')
					WHERE call_id = ?2 AND kind = 'call'`, id, strconv.FormatInt(id, 10)); err != nil {
					return internal(err, "anonymising history")
				}
				if _, err := tx.ExecContext(ctx, `UPDATE calls SET from_raw = '', from_e164 = '', from_national = ''
					WHERE id = ?`, id); err != nil {
					return internal(err, "anonymising calls")
				}
			}
			n = len(ids)
			return nil
		})
		total += n
		if err != nil {
			return total, err
		}
		if n < retentionBatch {
			break
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
	if total > 0 {
		err := s.Audit(ctx, AuditEntry{Actor: "retention", Action: AuditCallsAnonymised,
			Detail: fmt.Sprintf("%d calls that started before %s", total, before.UTC().Format(time.DateOnly))})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
