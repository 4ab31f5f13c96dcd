package crm

import (
	"context"
	"fmt"
)

// normaliseAll normalises every input or reports the first bad one with its
// position, before anything is written.
func (s *Store) normaliseAll(field string, ins []NumberInput, fallback Label) ([]PhoneNumber, error) {
	out := make([]PhoneNumber, 0, len(ins))
	for i, in := range ins {
		f := field
		if len(ins) > 1 {
			f = fmt.Sprintf("%s[%d]", field, i+1)
		}
		n, err := normaliseForStorage(s.phone, f, in, fallback)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// addNumbers attaches numbers to one owner; a number the owner already has
// keeps its row and gets the new label and raw text.
func addNumbers(ctx context.Context, tx *txn, ownerColumn string, ownerID int64, numbers []PhoneNumber) error {
	for _, n := range numbers {
		// ownerColumn is one of three constants, never input.
		_, err := tx.ExecContext(ctx, `INSERT INTO phone_numbers (e164, raw, label, `+ownerColumn+`)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (`+ownerColumn+`, e164) WHERE `+ownerColumn+` IS NOT NULL
			DO UPDATE SET raw = excluded.raw, label = excluded.label`,
			n.E164, n.Raw, n.Label, ownerID)
		if isForeignKeyViolation(err) {
			return Errorf(CodeNotFound, "owner", "the owner of number %s does not exist", n.Raw)
		}
		if err != nil {
			return internal(err, "saving number")
		}
	}
	return nil
}

// numbersOf lists the numbers of one owner.
func (s *Store) numbersOf(ctx context.Context, ownerColumn string, ownerID int64) ([]PhoneNumber, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, e164, raw, label FROM phone_numbers
		WHERE `+ownerColumn+` = ? ORDER BY id`, ownerID)
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

// DeleteNumber removes one stored number by id.
func (s *Store) DeleteNumber(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM phone_numbers WHERE id = ?`, id)
		if err != nil {
			return internal(err, "deleting number")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "number", "no number with id %d", id)
		}
		return nil
	})
}
