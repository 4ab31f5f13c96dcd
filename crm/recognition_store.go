package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/callcard/callcard/phone"
)

// maxPrefixes bounds the prefixes tried for a range look-up: an E.164 number
// has at most 15 digits after the '+'.
const maxPrefixes = 16

// holdersQuery reads only what a card or a desk phone shows: every column
// costs a cgo call per row, and at 22 columns reading them was most of a
// recognition's time.
const holdersQuery = `SELECT p.label,
	coalesce(c.id, 0), coalesce(c.name, ''), coalesce(c.job_title, ''),
	coalesce(e.id, 0), coalesce(e.name, ''), coalesce(e.role, ''),
	o.id, o.name, o.status, o.client_since, o.annual_value_cents, coalesce(o.account_manager_id, 0), coalesce(am.name, '')
	FROM phone_numbers p
	LEFT JOIN contacts c ON c.id = p.contact_id
	LEFT JOIN employees e ON e.id = p.employee_id
	LEFT JOIN organisations o ON o.id = coalesce(p.organisation_id, c.organisation_id)
	LEFT JOIN employees am ON am.id = o.account_manager_id
	WHERE p.e164 = ? ORDER BY p.id LIMIT 100`

// rangesQuery finds the longest registered prefix among maxPrefixes
// candidates; the statement always has maxPrefixes arguments, so it is one
// text and compiled once.
var rangesQuery = `SELECT r.id, r.prefix, r.raw,
	o.id, o.name, o.status, o.client_since, o.annual_value_cents, coalesce(o.account_manager_id, 0), coalesce(am.name, '')
	FROM number_ranges r JOIN organisations o ON o.id = r.organisation_id
	LEFT JOIN employees am ON am.id = o.account_manager_id
	WHERE r.prefix IN (` + strings.TrimSuffix(strings.Repeat("?,", maxPrefixes), ",") + `) ORDER BY length(r.prefix) DESC LIMIT 1`

const extensionQuery = `SELECT ` + employeeColumns + ` FROM employees WHERE extension = ? ORDER BY id`

var staffQuery = `SELECT ` + prefixColumns("e.", employeeColumns) + `
	FROM phone_numbers p JOIN employees e ON e.id = p.employee_id WHERE p.e164 = ? ORDER BY e.id LIMIT 2`

// Recognise says who is behind raw, a number in any format a telephone
// system or a person writes. The only errors are input that is not a number
// (CodeInvalid, field "number") and a failing database.
func (s *Store) Recognise(ctx context.Context, raw string) (Recognition, error) {
	num, err := s.phone.Normalise(raw)
	if err != nil {
		return Recognition{}, &Error{Code: CodeInvalid, Field: "number", Message: err.Error(), Err: err}
	}
	return s.RecogniseNumber(ctx, num)
}

// RecogniseNumber is Recognise for a number already normalised.
func (s *Store) RecogniseNumber(ctx context.Context, num phone.Number) (Recognition, error) {
	if num.Withheld {
		return Recognition{Query: num.Raw, Number: num, Match: MatchWithheld}, nil
	}
	key := "r" + holderKey(num)
	if h, ok := s.recognitions.get(key); ok {
		r := h.rec.clone()
		r.Query, r.Number = num.Raw, num
		return r, nil
	}
	gen := s.recognitions.generation()
	r, err := s.recognise(shortRead(ctx), num)
	if err != nil {
		return Recognition{}, err
	}
	s.recognitions.put(key, gen, rememberedHolder{rec: r.clone()})
	return r, nil
}

// holderKey names what a recognition of num depends on: its E.164 form,
// or the digits of an internal extension.
func holderKey(num phone.Number) string {
	if num.Internal {
		return "#" + num.National
	}
	return num.E164
}

func (s *Store) recognise(ctx context.Context, num phone.Number) (Recognition, error) {
	r := Recognition{Query: num.Raw, Number: num}
	if num.Internal {
		return r, s.recogniseExtension(ctx, &r)
	}
	holders, err := s.holders(ctx, num.E164)
	if err != nil {
		return Recognition{}, err
	}
	decide(&r, holders)
	if r.Match != MatchUnknown {
		return r, nil
	}
	return r, s.recogniseRange(ctx, &r)
}

func (s *Store) holders(ctx context.Context, e164 string) ([]Candidate, error) {
	rows, err := s.read.QueryContext(ctx, holdersQuery, e164)
	if err != nil {
		return nil, internal(err, "recognising number")
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Contact
		var e Employee
		var label Label
		var orgID, value sql.NullInt64
		var orgName, orgStatus, since sql.NullString
		var amID int64
		var amName string
		if err := rows.Scan(&label, &c.ID, &c.Name, &c.JobTitle, &e.ID, &e.Name, &e.Role,
			&orgID, &orgName, &orgStatus, &since, &value, &amID, &amName); err != nil {
			return nil, internal(err, "recognising number")
		}
		h := Candidate{Label: label}
		if orgID.Valid {
			o := Organisation{ID: orgID.Int64, Name: orgName.String, Status: OrgStatus(orgStatus.String),
				ClientSince: scanDate(since), AnnualValue: Money(value.Int64), AccountManagerID: amID}
			if amID != 0 {
				o.AccountManager = &Employee{ID: amID, Name: amName}
			}
			h.Organisation = &o
		}
		switch {
		case c.ID != 0:
			if h.Organisation != nil {
				c.OrganisationID = h.Organisation.ID
			}
			h.Match, h.Contact = MatchContact, &c
		case e.ID != 0:
			h.Match, h.Employee, h.Organisation = MatchEmployee, &e, nil
		default:
			h.Match = MatchOrganisation
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "recognising number")
	}
	return out, nil
}

// recogniseRange finds the longest registered prefix of an unknown number.
func (s *Store) recogniseRange(ctx context.Context, r *Recognition) error {
	e := r.Number.E164
	args := make([]any, maxPrefixes)
	for i := range args {
		// Prefixes from the whole number down; pad with the shortest so the
		// statement always has maxPrefixes arguments.
		n := max(len(e)-i, 4)
		args[i] = e[:min(n, len(e))]
	}
	var rg NumberRange
	var o Organisation
	var since sql.NullString
	var amName string
	err := s.read.QueryRowContext(ctx, rangesQuery, args...).Scan(&rg.ID, &rg.Prefix, &rg.Raw,
		&o.ID, &o.Name, &o.Status, &since, &o.AnnualValue, &o.AccountManagerID, &amName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return internal(err, "recognising number range")
	}
	o.ClientSince = scanDate(since)
	if o.AccountManagerID != 0 {
		o.AccountManager = &Employee{ID: o.AccountManagerID, Name: amName}
	}
	rg.OrganisationID = o.ID
	r.Match, r.Organisation, r.Range = MatchNumberRange, &o, &rg
	return nil
}

// rowScanner adapts a function to the Scan interface the scan helpers take.
type rowScanner func(dest ...any) error

func (f rowScanner) Scan(dest ...any) error { return f(dest...) }

// recogniseExtension matches a short internal number to an employee.
func (s *Store) recogniseExtension(ctx context.Context, r *Recognition) error {
	rows, err := s.read.QueryContext(ctx, extensionQuery, r.Number.National)
	if err != nil {
		return internal(err, "recognising extension")
	}
	defer rows.Close()
	var staff []Candidate
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return internal(err, "recognising extension")
		}
		staff = append(staff, Candidate{Match: MatchEmployee, Employee: &e})
	}
	if err := rows.Err(); err != nil {
		return internal(err, "recognising extension")
	}
	decide(r, staff)
	return nil
}

// prefixColumns qualifies a plain column list with a table alias.
func prefixColumns(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// EmployeeByNumber is the one employee whose own number or extension this
// is, or nil. It is what "calling for" needs of a forwarding or dialled
// number, at a fraction of the cost of a full recognition.
func (s *Store) EmployeeByNumber(ctx context.Context, num phone.Number) (*Employee, error) {
	if num.Withheld {
		return nil, nil
	}
	key := "e" + holderKey(num)
	if h, ok := s.recognitions.get(key); ok {
		return h.employee.clone(), nil
	}
	gen := s.recognitions.generation()
	e, err := s.employeeByNumber(ctx, num)
	if err != nil {
		return nil, err
	}
	s.recognitions.put(key, gen, rememberedHolder{employee: e.clone()})
	return e, nil
}

func (s *Store) employeeByNumber(ctx context.Context, num phone.Number) (*Employee, error) {
	var rows *sql.Rows
	var err error
	switch {
	case num.Withheld:
		return nil, nil
	case num.Internal:
		rows, err = s.read.QueryContext(ctx, extensionQuery, num.National)
	default:
		rows, err = s.read.QueryContext(ctx, staffQuery, num.E164)
	}
	if err != nil {
		return nil, internal(err, "finding employee by number")
	}
	defer rows.Close()
	var found []Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, internal(err, "finding employee by number")
		}
		found = append(found, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "finding employee by number")
	}
	if len(found) != 1 {
		// None, or a number several employees share: nobody in particular.
		return nil, nil
	}
	return &found[0], nil
}
