package crm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Employee file columns, in the order export writes them.
var employeeColumnNames = []string{"name", "email", "role", "extension", "phone"}

// Statements of an employees import, by index.
const (
	esInsert = iota
	esUpdate
	esNumber
)

var employeeImportSQL = []string{
	esInsert: `INSERT INTO employees (name, email, role, extension, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
	esUpdate: `UPDATE employees SET name = ?, email = ?, role = ?, extension = ?, updated_at = ? WHERE id = ?`,
	esNumber: `INSERT INTO phone_numbers (e164, raw, label, employee_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (employee_id, e164) WHERE employee_id IS NOT NULL
		DO UPDATE SET raw = excluded.raw, label = excluded.label
		WHERE phone_numbers.raw <> excluded.raw OR phone_numbers.label <> excluded.label`,
}

type employeeState struct {
	id                     int64
	name, email, extension string
	role                   Role
}

// ImportEmployees reads an employees file (docs/csv.md). An employee is
// matched by e-mail, else by name; empty cells keep what is stored. See
// ImportContacts for how errors and bad rows are reported.
func (s *Store) ImportEmployees(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	src, err := newCSVSource(r)
	if err != nil {
		return rep, err
	}
	idx, err := src.columns("employees", employeeColumnNames, "name")
	if err != nil {
		return rep, err
	}
	var c [5]int
	for i, name := range employeeColumnNames {
		c[i] = columnIndex(idx, name)
	}
	staff, err := s.loadEmployees(ctx)
	if err != nil {
		return rep, importFailed("employees", err)
	}
	w, err := s.newRowWriter(ctx, opt, &rep, employeeImportSQL)
	if err != nil {
		return rep, err
	}
	defer w.close()
	w.bytes = src.bytesRead
	w.always = true // staff.write changes its cache without undo; employees are few
	for {
		line, rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			rep.Rows++
			w.fail(re)
			continue
		}
		if err != nil {
			return rep, importFailed("employees", err)
		}
		rep.Rows++
		if re := src.strayCells(line, rec); re != nil {
			w.fail(re)
			continue
		}
		in, numbers, re := s.validateEmployee(line, rec, c)
		if re != nil {
			w.fail(re)
			continue
		}
		if err := w.row(line, func() (bool, error) { return staff.write(w, line, in, numbers) }); err != nil {
			return rep, importFailed("employees", err)
		}
	}
	if err := w.commit(); err != nil {
		return rep, importFailed("employees", err)
	}
	return rep, nil
}

func (s *Store) validateEmployee(line int, rec []string, c [5]int) (EmployeeInput, []PhoneNumber, *RowError) {
	in := EmployeeInput{
		Name:      cleanName(csvCell(rec, c[0])),
		Email:     csvCell(rec, c[1]),
		Extension: csvCell(rec, c[3]),
	}
	if in.Name == "" {
		return in, nil, &RowError{Line: line, Column: "name", Message: "an employee needs a name"}
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " \t\n;,")) {
		return in, nil, &RowError{Line: line, Column: "email", Message: fmt.Sprintf("%q is not an e-mail address", in.Email)}
	}
	if v := csvCell(rec, c[2]); v != "" {
		role, err := ParseRole("role", v)
		if err != nil {
			return in, nil, newRowError(line, "role", err)
		}
		in.Role = role
	}
	for _, r := range in.Extension {
		if r < '0' || r > '9' {
			return in, nil, &RowError{Line: line, Column: "extension", Message: fmt.Sprintf("%q is not an extension (digits only)", in.Extension)}
		}
	}
	var numbers []PhoneNumber
	if v := csvCell(rec, c[4]); v != "" {
		ins, err := ParseNumberList("phone", v)
		if err != nil {
			return in, nil, newRowError(line, "phone", err)
		}
		for _, n := range ins {
			pn, err := normaliseForStorage(s.phone, "phone", n, LabelMobile)
			if err != nil {
				return in, nil, newRowError(line, "phone", err)
			}
			if !containsNumber(numbers, pn.E164) {
				numbers = append(numbers, pn)
			}
		}
	}
	return in, numbers, nil
}

// staffCache holds every employee by e-mail and by name, as stored.
type staffCache struct {
	byEmail map[string]*employeeState
	byName  map[string]*employeeState
}

func (s *Store) loadEmployees(ctx context.Context) (*staffCache, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, email, role, extension FROM employees`)
	if err != nil {
		return nil, internal(err, "reading employees")
	}
	defer rows.Close()
	c := &staffCache{byEmail: map[string]*employeeState{}, byName: map[string]*employeeState{}}
	for rows.Next() {
		e := &employeeState{}
		if err := rows.Scan(&e.id, &e.name, &e.email, &e.role, &e.extension); err != nil {
			return nil, internal(err, "reading employees")
		}
		c.put(e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading employees")
	}
	return c, nil
}

func (c *staffCache) put(e *employeeState) {
	c.byName[key(e.name)] = e
	if e.email != "" {
		c.byEmail[strings.ToLower(e.email)] = e
	}
}

func (c *staffCache) write(w *rowWriter, line int, in EmployeeInput, numbers []PhoneNumber) (bool, error) {
	ctx := w.wctx
	cur := c.byEmail[strings.ToLower(in.Email)]
	if cur == nil {
		cur = c.byName[key(in.Name)]
		if cur != nil && in.Email != "" && cur.email != "" {
			return false, &RowError{Line: line, Column: "name",
				Message: fmt.Sprintf("another employee is already called %q, with e-mail %s", cur.name, cur.email)}
		}
	} else if other := c.byName[key(in.Name)]; other != nil && other != cur {
		return false, &RowError{Line: line, Column: "name",
			Message: fmt.Sprintf("another employee is already called %q", other.name)}
	}
	next := employeeState{name: in.Name, email: in.Email, role: in.Role, extension: in.Extension}
	created := cur == nil
	if created {
		if in.Role == "" {
			return false, &RowError{Line: line, Column: "role", Message: "a new employee needs a role"}
		}
		if err := w.stmt(esInsert).QueryRowContext(ctx, next.name, next.email, next.role, next.extension,
			w.now, w.now).Scan(&next.id); err != nil {
			return false, internal(err, "saving employee")
		}
	} else {
		next.id = cur.id
		next.email = keepIfEmpty(in.Email, cur.email)
		next.role = Role(keepIfEmpty(string(in.Role), string(cur.role)))
		next.extension = keepIfEmpty(in.Extension, cur.extension)
		if next != *cur {
			if _, err := w.stmt(esUpdate).ExecContext(ctx, next.name, next.email, next.role, next.extension,
				w.now, next.id); err != nil {
				return false, internal(err, "saving employee")
			}
		}
	}
	for _, n := range numbers {
		if _, err := w.stmt(esNumber).ExecContext(ctx, n.E164, n.Raw, n.Label, next.id); err != nil {
			return false, internal(err, "saving number")
		}
	}
	if cur != nil {
		delete(c.byName, key(cur.name))
		if cur.email != "" {
			delete(c.byEmail, strings.ToLower(cur.email))
		}
	}
	c.put(&next)
	return created, nil
}
