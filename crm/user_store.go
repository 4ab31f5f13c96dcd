package crm

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// UserInput is a new user.
type UserInput struct {
	Username   string
	Name       string // display name; defaults to the employee's or the username
	Password   string
	Role       Role
	EmployeeID int64 // 0: linked to the employee with the same name, if any
	Language   string
}

func validPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return Errorf(CodeInvalid, "password", "a password needs at least %d characters", MinPasswordLength)
	}
	if len(p) > 72 {
		// bcrypt reads only the first 72 bytes; refuse rather than ignore the rest.
		return Errorf(CodeInvalid, "password", "a password can be at most 72 bytes")
	}
	return nil
}

// randomSecret is 32 random bytes, URL-safe.
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", internal(err, "making a secret")
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// GeneratePassword makes a password for a new user who chose none.
func GeneratePassword() (string, error) {
	s, err := randomSecret()
	if err != nil {
		return "", err
	}
	return s[:16], nil
}

// CreateUser adds a console user with a bcrypt-hashed password.
func (s *Store) CreateUser(ctx context.Context, in UserInput) (User, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.Name = cleanName(in.Name)
	if in.Username == "" || strings.ContainsAny(in.Username, " \t\r\n") || len(in.Username) > 64 {
		return User{}, Errorf(CodeInvalid, "username", "a username is one word of at most 64 characters")
	}
	role, err := ParseRole("role", string(in.Role))
	if err != nil {
		return User{}, err
	}
	if role == RoleEngineer {
		return User{}, Errorf(CodeInvalid, "role", "console users are receptionist, account_manager, service_manager or admin")
	}
	if err := validPassword(in.Password); err != nil {
		return User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return User{}, internal(err, "hashing password")
	}
	now := s.now()
	var id int64
	err = s.inTx(ctx, func(tx *txn) error {
		employee := in.EmployeeID
		if employee == 0 {
			// Link to the staff register by name, so callbacks and "taken by"
			// name the same person the register knows.
			name := in.Name
			if name == "" {
				name = in.Username
			}
			err := tx.QueryRowContext(ctx, `SELECT id FROM employees WHERE lower(name) = lower(?)`, name).Scan(&employee)
			if errors.Is(err, sql.ErrNoRows) {
				// Everyone who signs in is staff: add them to the register so
				// calls they take and callbacks they get name a real employee.
				employee, err = upsertEmployee(ctx, tx, EmployeeInput{Name: cleanName(name), Role: role}, now.UnixMilli())
			}
			if err != nil {
				return err
			}
		}
		if in.Name == "" {
			in.Name = in.Username
			if employee != 0 {
				_ = tx.QueryRowContext(ctx, `SELECT name FROM employees WHERE id = ?`, employee).Scan(&in.Name)
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, name, password_hash, role, employee_id, language, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Username, in.Name, string(hash), role, nullID(employee), in.Language, now.UnixMilli()).Scan(&id)
		switch {
		case isUniqueViolation(err):
			return Errorf(CodeConflict, "username", "there is already a user called %q", in.Username)
		case isForeignKeyViolation(err):
			return Errorf(CodeInvalid, "employee", "no employee with id %d", in.EmployeeID)
		case err != nil:
			return internal(err, "saving user")
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, id)
}

const userColumns = `id, username, name, role, coalesce(employee_id, 0), language, created_at, disabled_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created int64
	var disabled sql.NullInt64
	err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.EmployeeID, &u.Language, &created, &disabled)
	u.CreatedAt, u.DisabledAt = time.UnixMilli(created).UTC(), millis(disabled)
	return u, err
}

// User returns one user.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, Errorf(CodeNotFound, "user", "no user with id %d", id)
	}
	if err != nil {
		return User{}, internal(err, "reading user")
	}
	return u, nil
}

// Users lists every user by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(username)`)
	if err != nil {
		return nil, internal(err, "listing users")
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, internal(err, "listing users")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing users")
	}
	return out, nil
}

// dummyHash is compared against when a username does not exist, so that a
// wrong username takes as long as a wrong password.
const dummyHash = "$2a$10$nyvn0yPvfa1PDmaAFjcGMeleSRWvgaoNXUE7dU328BM4x2B0L03na" // bcrypt of a throwaway string

// Authenticate checks a username and password. Every failure is the same
// CodeUnauthorised error: a caller learns nothing about which users exist.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	denied := Errorf(CodeUnauthorised, "password", "wrong username or password")
	var id int64
	var hash string
	var disabled sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT id, password_hash, disabled_at FROM users WHERE lower(username) = lower(?)`,
		strings.TrimSpace(username)).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
		return User{}, denied
	}
	if err != nil {
		return User{}, internal(err, "checking password")
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || disabled.Valid {
		return User{}, denied
	}
	return s.User(ctx, id)
}

// SetPassword replaces a user's password and signs them out everywhere.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := validPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return internal(err, "hashing password")
	}
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, string(hash), userID)
		if err != nil {
			return internal(err, "saving password")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "user", "no user with id %d", userID)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return internal(err, "ending sessions")
		}
		return nil
	})
}

// SetUserDisabled disables (and signs out) or re-enables a user.
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	return s.inTx(ctx, func(tx *txn) error {
		var at any
		if disabled {
			at = s.now().UnixMilli()
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, at, userID)
		if err != nil {
			return internal(err, "saving user")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "user", "no user with id %d", userID)
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return internal(err, "ending sessions")
			}
		}
		return nil
	})
}

// UserByUsername finds a user by username, in any case.
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	u, err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE lower(username) = lower(?)`,
		strings.TrimSpace(username)))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, Errorf(CodeNotFound, "username", "no user called %q", strings.TrimSpace(username))
	}
	if err != nil {
		return User{}, internal(err, "reading user")
	}
	return u, nil
}
