package crm

import (
	"context"
	"errors"
	"fmt"
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
//
// SQLite sorts the keys in runs of at most the page cache's size and
// merges them from temporary files. The writer keeps those in memory
// (temp_store = MEMORY, for its savepoints), which at 1,000,000 contacts
// put every number of the register in the process's memory at once: the
// import's resident memory went from 120 MB to 215 MB for the length of
// the build. So the build first sorts through a file in the system's
// temporary directory (SQLITE_TMPDIR, else /var/tmp, /usr/tmp, /tmp or the
// working directory; 31 MB at 1,000,000 contacts), written once and read
// once, and deleted by SQLite. Where none of those can take a file (a
// read-only file system), it sorts in memory as before, rather than leave
// the register without its index and fail every Open after.
func (s *Store) buildNumberIndex(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	var exists bool
	if err := s.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_schema
		WHERE type = 'index' AND name = 'phone_numbers_e164')`).Scan(&exists); err != nil {
		return internal(err, "reading the schema")
	}
	if exists {
		return nil
	}
	ferr := s.buildNumberIndexSorting(ctx, "FILE")
	if ferr == nil {
		return nil
	}
	if merr := s.buildNumberIndexSorting(ctx, "MEMORY"); merr != nil {
		return internal(errors.Join(ferr, merr), "building the number index")
	}
	return nil
}

// buildNumberIndexSorting builds the number index with SQLite's temporary
// files in store (FILE or MEMORY), then puts the writer's back in memory.
func (s *Store) buildNumberIndexSorting(ctx context.Context, store string) (err error) {
	// The writer pool is one connection, so the setting reaches the
	// connection the index is built on.
	if _, err := s.write.ExecContext(ctx, `PRAGMA temp_store = `+store); err != nil {
		return fmt.Errorf("sorting in %s: %w", store, err)
	}
	defer func() {
		if _, rerr := s.write.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if _, err := s.write.ExecContext(ctx, numberIndexSQL); err != nil {
		return fmt.Errorf("sorting in %s: %w", store, err)
	}
	return nil
}
