package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// OrganisationInput is what may be written about an organisation. On update
// every field is replaced; numbers and ranges given are added.
type OrganisationInput struct {
	Name             string
	Status           OrgStatus
	ClientSince      time.Time
	AnnualValue      Money
	AccountManagerID int64
	Numbers          []NumberInput // switchboard or shared lines
	Ranges           []string      // direct-dial block prefixes as written
}

func (in *OrganisationInput) validate() error {
	in.Name = cleanName(in.Name)
	if in.Name == "" {
		return Errorf(CodeInvalid, "name", "an organisation needs a name")
	}
	status, err := ParseOrgStatus("status", string(in.Status))
	if err != nil {
		return err
	}
	in.Status = status
	if in.AnnualValue < 0 {
		return Errorf(CodeInvalid, "annual_value", "the annual value can't be negative")
	}
	return nil
}

// normaliseRanges turns written prefixes into stored ranges.
func (s *Store) normaliseRanges(raws []string) ([]NumberRange, error) {
	var out []NumberRange
	for _, raw := range raws {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		p, err := s.phone.NormalisePrefix(raw)
		if err != nil {
			return nil, &Error{Code: CodeInvalid, Field: "number_ranges", Message: err.Error(), Err: err}
		}
		out = append(out, NumberRange{Prefix: p, Raw: raw})
	}
	return out, nil
}

// CreateOrganisation adds a new organisation; the name must be new.
func (s *Store) CreateOrganisation(ctx context.Context, in OrganisationInput) (Organisation, error) {
	return s.writeOrganisation(ctx, 0, in)
}

// UpdateOrganisation replaces the fields of organisation id and adds any
// numbers and ranges given.
func (s *Store) UpdateOrganisation(ctx context.Context, id int64, in OrganisationInput) (Organisation, error) {
	if id <= 0 {
		return Organisation{}, Errorf(CodeInvalid, "id", "no organisation id given")
	}
	return s.writeOrganisation(ctx, id, in)
}

func (s *Store) writeOrganisation(ctx context.Context, id int64, in OrganisationInput) (Organisation, error) {
	if err := in.validate(); err != nil {
		return Organisation{}, err
	}
	numbers, err := s.normaliseAll("phone", in.Numbers, LabelSwitchboard)
	if err != nil {
		return Organisation{}, err
	}
	ranges, err := s.normaliseRanges(in.Ranges)
	if err != nil {
		return Organisation{}, err
	}
	now := s.now().UnixMilli()
	var am any
	if in.AccountManagerID > 0 {
		am = in.AccountManagerID
	}
	err = s.inTx(ctx, func(tx *txn) error {
		var err error
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO organisations
				(name, name_key, status, client_since, annual_value_cents, account_manager_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				in.Name, key(in.Name), in.Status, dateArg(in.ClientSince), in.AnnualValue, am, now, now).Scan(&id)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE organisations SET name = ?, name_key = ?, status = ?,
				client_since = ?, annual_value_cents = ?, account_manager_id = ?, updated_at = ? WHERE id = ?`,
				in.Name, key(in.Name), in.Status, dateArg(in.ClientSince), in.AnnualValue, am, now, id)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return Errorf(CodeNotFound, "organisation", "no organisation with id %d", id)
				}
			}
		}
		switch {
		case isUniqueViolation(err):
			return Errorf(CodeConflict, "name", "there is already an organisation called %q", in.Name)
		case isForeignKeyViolation(err):
			return Errorf(CodeInvalid, "account_manager", "no employee with id %d", in.AccountManagerID)
		case err != nil:
			return internal(err, "saving organisation")
		}
		if err := addNumbers(ctx, tx, "organisation_id", id, numbers); err != nil {
			return err
		}
		return addRanges(ctx, tx, id, ranges)
	})
	if err != nil {
		return Organisation{}, err
	}
	return s.Organisation(ctx, id)
}

func addRanges(ctx context.Context, tx *txn, orgID int64, ranges []NumberRange) error {
	for _, r := range ranges {
		var owner int64
		err := tx.QueryRowContext(ctx, `INSERT INTO number_ranges (organisation_id, prefix, raw) VALUES (?, ?, ?)
			ON CONFLICT (prefix) DO UPDATE SET raw = excluded.raw RETURNING organisation_id`,
			orgID, r.Prefix, r.Raw).Scan(&owner)
		if err != nil {
			return internal(err, "saving number range")
		}
		if owner != orgID {
			return Errorf(CodeConflict, "number_ranges", "range %s is already registered to another organisation", r.Raw)
		}
	}
	return nil
}

const organisationColumns = `o.id, o.name, o.status, o.client_since, o.annual_value_cents,
	coalesce(o.account_manager_id, 0), o.created_at, o.updated_at, coalesce(am.name, ''), coalesce(am.email, ''), coalesce(am.role, '')`

const organisationFrom = ` FROM organisations o LEFT JOIN employees am ON am.id = o.account_manager_id`

func scanOrganisation(row interface{ Scan(...any) error }) (Organisation, error) {
	var o Organisation
	var since sql.NullString
	var created, updated sql.NullInt64
	var amName, amEmail, amRole string
	err := row.Scan(&o.ID, &o.Name, &o.Status, &since, &o.AnnualValue, &o.AccountManagerID,
		&created, &updated, &amName, &amEmail, &amRole)
	o.ClientSince, o.CreatedAt, o.UpdatedAt = scanDate(since), millis(created), millis(updated)
	if o.AccountManagerID != 0 {
		o.AccountManager = &Employee{ID: o.AccountManagerID, Name: amName, Email: amEmail, Role: Role(amRole)}
	}
	return o, err
}

// Organisation returns one organisation with its account manager, numbers
// and ranges.
func (s *Store) Organisation(ctx context.Context, id int64) (Organisation, error) {
	o, err := scanOrganisation(s.read.QueryRowContext(ctx, `SELECT `+organisationColumns+organisationFrom+` WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Organisation{}, Errorf(CodeNotFound, "organisation", "no organisation with id %d", id)
	}
	if err != nil {
		return Organisation{}, internal(err, "reading organisation")
	}
	if o.Numbers, err = s.numbersOf(ctx, "organisation_id", id); err != nil {
		return Organisation{}, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, organisation_id, prefix, raw FROM number_ranges WHERE organisation_id = ? ORDER BY prefix`, id)
	if err != nil {
		return Organisation{}, internal(err, "reading ranges")
	}
	defer rows.Close()
	for rows.Next() {
		var r NumberRange
		if err := rows.Scan(&r.ID, &r.OrganisationID, &r.Prefix, &r.Raw); err != nil {
			return Organisation{}, internal(err, "reading ranges")
		}
		o.Ranges = append(o.Ranges, r)
	}
	if err := rows.Err(); err != nil {
		return Organisation{}, internal(err, "reading ranges")
	}
	return o, nil
}

// OrganisationByName finds an organisation by its name, in any case or spacing.
func (s *Store) OrganisationByName(ctx context.Context, name string) (Organisation, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM organisations WHERE name_key = ?`, key(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Organisation{}, Errorf(CodeNotFound, "organisation", "no organisation called %q", cleanName(name))
	}
	if err != nil {
		return Organisation{}, internal(err, "finding organisation")
	}
	return s.Organisation(ctx, id)
}

// SearchOrganisations finds organisations whose name contains q (any case),
// best matches (name starts with q) first, without numbers or ranges.
func (s *Store) SearchOrganisations(ctx context.Context, q string, limit int) ([]Organisation, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	k := key(q)
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(k) + "%"
	rows, err := s.read.QueryContext(ctx, `SELECT `+organisationColumns+organisationFrom+`
		WHERE o.name_key LIKE ? ESCAPE '\'
		ORDER BY (substr(o.name_key, 1, length(?)) = ?) DESC, o.name_key LIMIT ?`, like, k, k, limit)
	if err != nil {
		return nil, internal(err, "searching organisations")
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		o, err := scanOrganisation(rows)
		if err != nil {
			return nil, internal(err, "searching organisations")
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "searching organisations")
	}
	return out, nil
}
