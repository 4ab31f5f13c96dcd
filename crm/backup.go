package crm

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the register to path while the server
// keeps running. The copy is made with VACUUM INTO on a connection of its
// own: it reads one snapshot in WAL mode, so webhooks keep being committed
// while it runs and none of them are half in the copy. The copy is written
// under a temporary name in the same directory, checked, flushed to disk and
// only then given its name, so a crash or a full disk never leaves a
// truncated file under the name given. An existing file is never
// overwritten. The copy holds personal data and is readable by its owner only.
func (s *Store) Backup(ctx context.Context, path string) (err error) {
	if path == "" {
		return Errorf(CodeInvalid, "path", "no backup file given")
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return Errorf(CodeInvalid, "path", "%s", err.Error())
	}
	if _, err := os.Lstat(path); err == nil {
		return Errorf(CodeConflict, "path", "%s already exists; a backup never overwrites a file", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return internal(err, "checking the backup file")
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return Errorf(CodeInvalid, "path", "the directory %s does not exist", dir)
	}
	source, err := s.databaseFile(ctx)
	if err != nil {
		return err
	}
	if source == path {
		return Errorf(CodeInvalid, "path", "that is the database itself")
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return internal(err, "naming the backup")
	}
	tmp := filepath.Join(dir, "."+filepath.Base(path)+".partial-"+hex.EncodeToString(suffix))
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()

	// Not the read pool: its connections are query-only, and VACUUM INTO
	// counts as a write. Not the writer: the copy would hold up every webhook.
	db, err := sql.Open("sqlite3", "file:"+escapePath(source)+"?_busy_timeout=5000")
	if err != nil {
		return internal(err, "opening the database for backup")
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return internal(err, "copying the database")
	}
	if err := db.Close(); err != nil {
		return internal(err, "copying the database")
	}
	if err := checkCopy(ctx, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return internal(err, "protecting the backup")
	}
	// VACUUM INTO does not fsync its output.
	if err := syncFile(tmp); err != nil {
		return internal(err, "flushing the backup")
	}
	// A hard link gives the copy its name only if the name is still free;
	// where links are not supported, rename after checking again.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Errorf(CodeConflict, "path", "%s already exists; a backup never overwrites a file", path)
		}
		if _, serr := os.Lstat(path); serr == nil {
			return Errorf(CodeConflict, "path", "%s already exists; a backup never overwrites a file", path)
		}
		if err := os.Rename(tmp, path); err != nil {
			return internal(err, "naming the backup")
		}
	} else if err := os.Remove(tmp); err != nil {
		return internal(err, "naming the backup")
	}
	if err := syncFile(dir); err != nil {
		return internal(err, "flushing the backup directory")
	}
	return nil
}

// databaseFile is the absolute path of the open database file.
func (s *Store) databaseFile(ctx context.Context) (string, error) {
	rows, err := s.read.QueryContext(ctx, `PRAGMA database_list`)
	if err != nil {
		return "", internal(err, "finding the database file")
	}
	defer rows.Close()
	for rows.Next() {
		var seq int
		var name, file string
		if err := rows.Scan(&seq, &name, &file); err != nil {
			return "", internal(err, "finding the database file")
		}
		if name == "main" && file != "" {
			return file, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", internal(err, "finding the database file")
	}
	return "", Errorf(CodeInvalid, "database", "the register is not a file and can't be backed up")
}

// checkCopy runs SQLite's quick check on a fresh copy.
func checkCopy(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?mode=ro")
	if err != nil {
		return internal(err, "checking the backup")
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result); err != nil {
		return internal(err, "checking the backup")
	}
	if result != "ok" {
		return internal(errors.New(result), "the backup failed its integrity check")
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
