package crm

import (
	"context"
)

// numberIndexSQL creates the index that finds who holds a number, as
// migration 0001 defines it. Every recognition reads through it.
const numberIndexSQL = `CREATE INDEX IF NOT EXISTS phone_numbers_e164 ON phone_numbers (e164)`

// deferNumberIndex drops the number index before the first contacts import
// into a register, the one that loads it (no contact has a number yet), so
// that the import appends rows and the index is built once at the end by
// buildNumberIndex, from sorted keys. Filled a row at a time, the index
// takes numbers at random places: each batch then dirties nearly every one
// of its pages and writes them all to the WAL again (110 MB/s of writing
// towards the end of a million contacts). At 1,000,000 contacts, building
// it at the end takes 2 s, and the import ran at 33,000–39,000 rows/s
// instead of 31,000–33,000 (BenchmarkImportContacts, four runs each).
//
// Until it is built, finding a number reads the whole table: recognition
// is slower, never wrong, while a register is first loaded. A later import
// keeps the index, as the register is then in use. If the process dies
// before the index is built, the next Open builds it.
func (s *Store) deferNumberIndex(ctx context.Context) (bool, error) {
	var loaded bool
	if err := s.write.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM phone_numbers WHERE contact_id IS NOT NULL)`).Scan(&loaded); err != nil {
		return false, internal(err, "reading the register")
	}
	if loaded {
		return false, nil
	}
	if _, err := s.write.ExecContext(ctx, `DROP INDEX IF EXISTS phone_numbers_e164`); err != nil {
		return false, internal(err, "preparing import")
	}
	return true, nil
}

// buildNumberIndex builds the number index if it is missing: after an
// import that deferred it, and at Open, in case one was stopped before it
// could. It does not depend on ctx being live, because the register must
// not be left without its index when an import is cancelled.
func (s *Store) buildNumberIndex(ctx context.Context) error {
	if _, err := s.write.ExecContext(context.WithoutCancel(ctx), numberIndexSQL); err != nil {
		return internal(err, "building the number index")
	}
	return nil
}
