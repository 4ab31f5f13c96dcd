package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// ContactInput is what may be written about a person. On update every field
// is replaced; numbers given are added.
type ContactInput struct {
	OrganisationID int64
	Name           string
	JobTitle       string
	Email          string
	Language       string
	Numbers        []NumberInput
}

func (in *ContactInput) validate() error {
	in.Name = cleanName(in.Name)
	in.JobTitle = cleanName(in.JobTitle)
	in.Email = strings.TrimSpace(in.Email)
	in.Language = strings.ToLower(strings.TrimSpace(in.Language))
	if in.Name == "" {
		return Errorf(CodeInvalid, "name", "a contact needs a name")
	}
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		return Errorf(CodeInvalid, "email", "%q is not an e-mail address", in.Email)
	}
	return nil
}

// CreateContact adds a person, with their numbers, in one transaction.
func (s *Store) CreateContact(ctx context.Context, in ContactInput) (Contact, error) {
	return s.writeContact(ctx, 0, in)
}

// UpdateContact replaces the fields of contact id and adds numbers given.
func (s *Store) UpdateContact(ctx context.Context, id int64, in ContactInput) (Contact, error) {
	if id <= 0 {
		return Contact{}, Errorf(CodeInvalid, "id", "no contact id given")
	}
	return s.writeContact(ctx, id, in)
}

func (s *Store) writeContact(ctx context.Context, id int64, in ContactInput) (Contact, error) {
	if err := in.validate(); err != nil {
		return Contact{}, err
	}
	numbers, err := s.normaliseAll("phone", in.Numbers, "")
	if err != nil {
		return Contact{}, err
	}
	var org any
	if in.OrganisationID > 0 {
		org = in.OrganisationID
	}
	now := s.now().UnixMilli()
	err = s.inTx(ctx, func(tx *txn) error {
		var err error
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO contacts
				(organisation_id, name, name_key, job_title, email, language, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				org, in.Name, key(in.Name), in.JobTitle, in.Email, in.Language, now, now).Scan(&id)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE contacts SET organisation_id = ?, name = ?, name_key = ?,
				job_title = ?, email = ?, language = ?, updated_at = ? WHERE id = ?`,
				org, in.Name, key(in.Name), in.JobTitle, in.Email, in.Language, now, id)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return Errorf(CodeNotFound, "contact", "no contact with id %d", id)
				}
			}
		}
		switch {
		case isUniqueViolation(err):
			return Errorf(CodeConflict, "name", "%q is already a contact at this organisation", in.Name)
		case isForeignKeyViolation(err):
			return Errorf(CodeInvalid, "organisation", "no organisation with id %d", in.OrganisationID)
		case err != nil:
			return internal(err, "saving contact")
		}
		return addNumbers(ctx, tx, "contact_id", id, numbers)
	})
	if err != nil {
		return Contact{}, err
	}
	return s.Contact(ctx, id)
}

const contactColumns = `id, coalesce(organisation_id, 0), name, job_title, email, language, created_at, updated_at`

func scanContact(row interface{ Scan(...any) error }) (Contact, error) {
	var c Contact
	var created, updated sql.NullInt64
	err := row.Scan(&c.ID, &c.OrganisationID, &c.Name, &c.JobTitle, &c.Email, &c.Language, &created, &updated)
	c.CreatedAt, c.UpdatedAt = millis(created), millis(updated)
	return c, err
}

// Contact returns one person with their numbers.
func (s *Store) Contact(ctx context.Context, id int64) (Contact, error) {
	c, err := scanContact(s.read.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, Errorf(CodeNotFound, "contact", "no contact with id %d", id)
	}
	if err != nil {
		return Contact{}, internal(err, "reading contact")
	}
	c.Numbers, err = s.numbersOf(ctx, "contact_id", id)
	return c, err
}

// Contacts lists the people of an organisation by name, with their numbers.
func (s *Store) Contacts(ctx context.Context, organisationID int64) ([]Contact, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+contactColumns+` FROM contacts WHERE organisation_id = ? ORDER BY name_key`, organisationID)
	if err != nil {
		return nil, internal(err, "listing contacts")
	}
	var out []Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			rows.Close()
			return nil, internal(err, "listing contacts")
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing contacts")
	}
	for i := range out {
		if out[i].Numbers, err = s.numbersOf(ctx, "contact_id", out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
