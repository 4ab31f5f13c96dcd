package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// ServiceInput is a catalogue entry as written in a file or form.
type ServiceInput struct {
	Code        string
	Name        string
	Pitch       string
	Keywords    []string
	Complements []Complement // replaces the stored list when non-nil
}

func (in *ServiceInput) validate() error {
	in.Code = strings.ToLower(strings.TrimSpace(in.Code))
	in.Name = cleanName(in.Name)
	in.Pitch = strings.TrimSpace(in.Pitch)
	if in.Code == "" {
		return Errorf(CodeInvalid, "code", "a service needs a code")
	}
	for _, r := range in.Code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return Errorf(CodeInvalid, "code", "%q is not a service code (letters, digits, - and _)", in.Code)
		}
	}
	if in.Name == "" {
		return Errorf(CodeInvalid, "name", "service %q needs a name", in.Code)
	}
	for i, c := range in.Complements {
		in.Complements[i].Of = strings.ToLower(strings.TrimSpace(c.Of))
		if c.Weight <= 0 || c.Weight > 1 {
			return Errorf(CodeInvalid, "complements", "weight %g for %q is outside (0, 1]", c.Weight, c.Of)
		}
		if in.Complements[i].Of == in.Code {
			return Errorf(CodeInvalid, "complements", "service %q can't complement itself", in.Code)
		}
	}
	return nil
}

// SaveServices writes catalogue entries by code in one transaction: all are
// saved or none. Complements may name services saved in the same call.
func (s *Store) SaveServices(ctx context.Context, ins []ServiceInput) error {
	for i := range ins {
		if err := ins[i].validate(); err != nil {
			return err
		}
	}
	return s.inTx(ctx, func(tx *txn) error {
		ids := map[string]int64{}
		for _, in := range ins {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO services (code, name, pitch, keywords) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, pitch = excluded.pitch, keywords = excluded.keywords
				RETURNING id`, in.Code, in.Name, in.Pitch, strings.Join(in.Keywords, " ")).Scan(&id)
			if err != nil {
				return internal(err, "saving service")
			}
			ids[in.Code] = id
		}
		for _, in := range ins {
			if in.Complements == nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM service_complements WHERE service_id = ?`, ids[in.Code]); err != nil {
				return internal(err, "saving complements")
			}
			for _, c := range in.Complements {
				var of int64
				err := tx.QueryRowContext(ctx, `SELECT id FROM services WHERE code = ?`, c.Of).Scan(&of)
				if errors.Is(err, sql.ErrNoRows) {
					return Errorf(CodeInvalid, "complements", "service %q complements unknown service %q", in.Code, c.Of)
				}
				if err != nil {
					return internal(err, "saving complements")
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO service_complements (service_id, complement_of, weight)
					VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET weight = excluded.weight`, ids[in.Code], of, c.Weight); err != nil {
					return internal(err, "saving complements")
				}
			}
		}
		return nil
	})
}

// Services lists the catalogue by code, with complements.
func (s *Store) Services(ctx context.Context) ([]Service, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, code, name, pitch, keywords FROM services ORDER BY code`)
	if err != nil {
		return nil, internal(err, "listing services")
	}
	var out []Service
	byID := map[int64]int{}
	for rows.Next() {
		var sv Service
		var kw string
		if err := rows.Scan(&sv.ID, &sv.Code, &sv.Name, &sv.Pitch, &kw); err != nil {
			rows.Close()
			return nil, internal(err, "listing services")
		}
		sv.Keywords = strings.Fields(kw)
		byID[sv.ID] = len(out)
		out = append(out, sv)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing services")
	}
	rows, err = s.read.QueryContext(ctx, `SELECT c.service_id, s.code, c.weight FROM service_complements c
		JOIN services s ON s.id = c.complement_of ORDER BY c.service_id, s.code`)
	if err != nil {
		return nil, internal(err, "listing complements")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c Complement
		if err := rows.Scan(&id, &c.Of, &c.Weight); err != nil {
			return nil, internal(err, "listing complements")
		}
		if i, ok := byID[id]; ok {
			out[i].Complements = append(out[i].Complements, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing complements")
	}
	return out, nil
}
