package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// EmployeeInput is what may be written about an employee.
type EmployeeInput struct {
	Name      string
	Email     string
	Role      Role
	Extension string
	Numbers   []NumberInput
}

func (in *EmployeeInput) validate() error {
	in.Name = cleanName(in.Name)
	in.Email = strings.TrimSpace(in.Email)
	in.Extension = strings.TrimSpace(in.Extension)
	if in.Name == "" {
		return Errorf(CodeInvalid, "name", "an employee needs a name")
	}
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		return Errorf(CodeInvalid, "email", "%q is not an e-mail address", in.Email)
	}
	if _, err := ParseRole("role", string(in.Role)); err != nil {
		return err
	}
	for _, r := range in.Extension {
		if r < '0' || r > '9' {
			return Errorf(CodeInvalid, "extension", "%q is not an extension (digits only)", in.Extension)
		}
	}
	return nil
}

// SaveEmployee creates the employee, or updates the one with the same e-mail
// (or, without e-mail, the same name), and adds any new numbers.
func (s *Store) SaveEmployee(ctx context.Context, in EmployeeInput) (Employee, error) {
	if err := in.validate(); err != nil {
		return Employee{}, err
	}
	numbers, err := s.normaliseAll("phone", in.Numbers, LabelMobile)
	if err != nil {
		return Employee{}, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *txn) error {
		id, err = upsertEmployee(ctx, tx, in, s.now().UnixMilli())
		if err != nil {
			return err
		}
		return addNumbers(ctx, tx, "employee_id", id, numbers)
	})
	if err != nil {
		return Employee{}, err
	}
	return s.Employee(ctx, id)
}

func upsertEmployee(ctx context.Context, tx *txn, in EmployeeInput, now int64) (int64, error) {
	var id int64
	q := `SELECT id FROM employees WHERE lower(name) = lower(?1)`
	arg := in.Name
	if in.Email != "" {
		q = `SELECT id FROM employees WHERE email <> '' AND lower(email) = lower(?1)`
		arg = in.Email
	}
	err := tx.QueryRowContext(ctx, q, arg).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO employees (name, email, role, extension, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, in.Email, in.Role, in.Extension, now, now).Scan(&id)
	case err == nil:
		_, err = tx.ExecContext(ctx, `UPDATE employees SET name = ?, email = ?, role = ?, extension = ?, updated_at = ?
			WHERE id = ?`, in.Name, in.Email, in.Role, in.Extension, now, id)
	}
	if isUniqueViolation(err) {
		return 0, Errorf(CodeConflict, "name", "another employee is already called %q or has e-mail %q", in.Name, in.Email)
	}
	if err != nil {
		return 0, internal(err, "saving employee")
	}
	return id, nil
}

const employeeColumns = `id, name, email, role, extension, created_at, updated_at`

func scanEmployee(row interface{ Scan(...any) error }) (Employee, error) {
	var e Employee
	var created, updated sql.NullInt64
	err := row.Scan(&e.ID, &e.Name, &e.Email, &e.Role, &e.Extension, &created, &updated)
	e.CreatedAt, e.UpdatedAt = millis(created), millis(updated)
	return e, err
}

// Employee returns one employee with their numbers.
func (s *Store) Employee(ctx context.Context, id int64) (Employee, error) {
	e, err := scanEmployee(s.read.QueryRowContext(ctx, `SELECT `+employeeColumns+` FROM employees WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Employee{}, Errorf(CodeNotFound, "employee", "no employee with id %d", id)
	}
	if err != nil {
		return Employee{}, internal(err, "reading employee")
	}
	e.Numbers, err = s.numbersOf(ctx, "employee_id", id)
	return e, err
}

// FindEmployee finds an employee by e-mail or by name (any case), as files
// and forms name them.
func (s *Store) FindEmployee(ctx context.Context, nameOrEmail string) (Employee, error) {
	v := strings.TrimSpace(nameOrEmail)
	e, err := scanEmployee(s.read.QueryRowContext(ctx, `SELECT `+employeeColumns+` FROM employees
		WHERE (email <> '' AND lower(email) = lower(?1)) OR lower(name) = lower(?2) ORDER BY id LIMIT 1`, v, cleanName(v)))
	if errors.Is(err, sql.ErrNoRows) {
		return Employee{}, Errorf(CodeNotFound, "employee", "no employee named %q", v)
	}
	if err != nil {
		return Employee{}, internal(err, "finding employee")
	}
	return e, nil
}

// Employees lists all employees by name, without numbers.
func (s *Store) Employees(ctx context.Context) ([]Employee, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+employeeColumns+` FROM employees ORDER BY name`)
	if err != nil {
		return nil, internal(err, "listing employees")
	}
	defer rows.Close()
	var out []Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, internal(err, "listing employees")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing employees")
	}
	return out, nil
}
