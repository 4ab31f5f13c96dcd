package crm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/callcard/callcard/crm/internal/checkpointthread"
	"github.com/callcard/callcard/crm/internal/sqlitemem"
	"github.com/callcard/callcard/crm/internal/sqlitestable"
	"github.com/callcard/callcard/crm/internal/walbatch"
	"github.com/callcard/callcard/phone"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Config says where the register lives and how numbers are read.
type Config struct {
	// Path of the SQLite file; created if missing.
	Path string
	// Phone normalises every number written or looked up. Required.
	Phone *phone.Normaliser
	// ReadConns is the size of the read pool; 0 means one per CPU, at least 4.
	ReadConns int
	// Now returns the current time; nil means time.Now. Tests pin it.
	Now func() time.Time
	// Synchronous is SQLite's flush policy for commits: "full" (the default)
	// flushes every commit to disk before it is acknowledged, so an accepted
	// webhook survives a power cut; "normal" flushes at checkpoints only,
	// which survives a crash of the process but not of the machine, and lets
	// the one writer commit about twice as many events a second.
	Synchronous string
	// RecognitionCache is how many recently recognised numbers are
	// remembered (see recognitionCache); 0 means
	// DefaultRecognitionCacheSize, -1 none.
	RecognitionCache int
	// Language is what the register writes its own history entries in
	// (calls, check-ins, hint outcomes); "" means English.
	Language Language
	// ObserveCallEvent, if set, is told how each stored call event went
	// through the single writer, for metrics. It runs on the goroutine that
	// recorded the event, after the event is on disk, and must be quick.
	ObserveCallEvent func(CallEventTimes)

	// onConnect runs on every new SQLite connection; tests use it to watch
	// what SQLite compiles.
	onConnect func(*sqlite3.SQLiteConn) error
}

// Store is the client register: one writer connection beside a read pool,
// both on the same SQLite file in WAL mode so readers never wait on a write.
type Store struct {
	write *pool
	read  *pool
	phone *phone.Normaliser
	now   func() time.Time
	// callEvents groups concurrent webhook events into shared commits.
	callEvents callEventCommitter
	// checkpoints copies the WAL into the database off the commit path.
	checkpoints *checkpointthread.Thread
	// tokens remembers recently accepted API tokens.
	tokens tokenCache
	// catalogue keeps the service catalogue the hints are ranked against.
	catalogue catalogueCache
	// words is the register's own text, in Config.Language.
	words wording
	// recognitions remembers who is behind recently recognised numbers.
	recognitions *recognitionCache
	// flusher makes the writer's commits durable (wal_flush.go).
	flusher *walFlusher
	wal     *walFile
	// observeCallEvent is Config.ObserveCallEvent.
	observeCallEvent func(CallEventTimes)
	// importOrgs is how many organisations a contacts import remembers
	// in each generation of its cache: importOrgCacheSize; tests lower it.
	importOrgs int
}

// Open opens (creating if needed) the register at cfg.Path and applies any
// pending migrations.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Path == "" {
		return nil, Errorf(CodeInvalid, "database", "no database path given")
	}
	if cfg.Phone == nil {
		return nil, Errorf(CodeInvalid, "phone", "no phone normaliser given")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	readConns := cfg.ReadConns
	if readConns <= 0 {
		readConns = max(runtime.NumCPU(), 4)
	}
	// Every pragma goes in the DSN so that each pooled connection gets it,
	// not just the one that happened to run a PRAGMA statement.
	// busy_timeout comes first so that setting WAL can wait on a lock.
	sync := strings.ToUpper(cfg.Synchronous)
	switch sync {
	case "":
		sync = "FULL"
	case "FULL", "NORMAL":
	default:
		return nil, Errorf(CodeInvalid, "synchronous", "%q is not a flush policy (full, normal)", cfg.Synchronous)
	}
	lang, err := ParseLanguage("language", string(cfg.Language))
	if err != nil {
		return nil, err
	}
	base := "file:" + escapePath(cfg.Path) +
		"?_busy_timeout=5000&_journal_mode=WAL&_synchronous=" + sync + "&_foreign_keys=on&_cache_size=-16000"
	// First, while SQLite may not have initialised yet: a later Open in the
	// same process finds the setting already made.
	sqlitemem.Disable()
	if err := sqlitestable.Enable(); err != nil {
		return nil, internal(err, "opening database")
	}
	drv := &sqlite3.SQLiteDriver{ConnectHook: cfg.onConnect}
	writer := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		// Events committed together each get a savepoint, whose journal of
		// the pages it changes outgrows SQLite's 64 KiB in memory and goes
		// to a temporary file, a pwrite per page and header: in memory, 20%
		// less writer time per event under concurrent webhooks
		// (BenchmarkRecordCallEventConcurrent).
		if _, err := c.Exec("PRAGMA temp_store = MEMORY", nil); err != nil {
			return err
		}
		if _, err := c.Exec(fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", writerAutoCheckpoint), nil); err != nil {
			return err
		}
		if cfg.onConnect != nil {
			return cfg.onConnect(c)
		}
		return nil
	}}
	// The writer's commits are flushed to disk by the store (walFlusher),
	// not inside SQLite's COMMIT, whatever cfg.Synchronous says. It alone
	// writes WAL frames, and hands each commit's frames to the kernel in
	// one write (walbatch).
	if err := walbatch.Register(); err != nil {
		return nil, internal(err, "opening database")
	}
	writerDSN := strings.Replace(base, "&_synchronous="+sync, "&_synchronous=NORMAL", 1) + "&_txlock=immediate&vfs=" + walbatch.Name
	write := sql.OpenDB(connector{driver: writer, dsn: writerDSN})
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, internal(fmt.Errorf("open %s: %w", cfg.Path, err), "opening database")
	}
	s := &Store{write: newPool(write), phone: cfg.Phone, now: now, recognitions: newRecognitionCache(cfg.RecognitionCache), words: wordingIn(lang),
		wal: &walFile{path: cfg.Path + "-wal"}, observeCallEvent: cfg.ObserveCallEvent, importOrgs: importOrgCacheSize}
	s.flusher = newWALFlusher(nil)
	if sync == "FULL" {
		s.flusher = newWALFlusher(s.wal.sync)
	}
	s.write.committed = s.afterCommit
	if err := s.migrate(ctx); err != nil {
		s.write.Close()
		return nil, err
	}
	// A first import stopped by a crash leaves the number index unbuilt
	// (deferNumberIndex).
	if err := s.buildNumberIndex(ctx); err != nil {
		s.write.Close()
		return nil, err
	}
	read := sql.OpenDB(connector{driver: drv, dsn: base + "&_query_only=true"})
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	read.SetConnMaxLifetime(0)
	s.read = newPool(read)
	if s.checkpoints, err = startCheckpoints(cfg.Path); err != nil {
		s.Close()
		return nil, internal(err, "opening database")
	}
	return s, nil
}

// connector opens connections of one DSN with the store's own driver value,
// so that a connect hook needs no globally registered driver name.
type connector struct {
	driver *sqlite3.SQLiteDriver
	dsn    string
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.driver }

// escapePath keeps a file name with '?' or '#' from being read as DSN parts.
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// Close stops the checkpointer and releases both pools.
func (s *Store) Close() error {
	var errs []error
	if s.checkpoints != nil {
		errs = append(errs, s.checkpoints.Close())
	}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close(), s.wal.close())
	return errors.Join(errs...)
}

// afterCommit runs after every commit of the writer (pool.committed). It
// makes the recognition cache forget, unless only call events were written,
// and flushes the commit to disk, unless it is a group of call events,
// whose committer flushes them after publishing them.
func (s *Store) afterCommit(t *txn) error {
	if t == nil || !t.callEvents {
		s.recognitions.changed()
	}
	n := s.flusher.wrote()
	if t != nil && t.callEvents {
		t.written = n
		return nil
	}
	if err := s.flusher.flush(n); err != nil {
		return internal(err, "saving")
	}
	return nil
}

// DiskFlushes is how many times the store has flushed its write-ahead log
// to disk since it was opened. Each flush covers every commit written
// before it began, so under load it is well below the number of commits;
// with Synchronous "normal" it stays 0.
func (s *Store) DiskFlushes() uint64 { return s.flusher.completed() }

// Phone returns the normaliser the register reads numbers with.
func (s *Store) Phone() *phone.Normaliser { return s.phone }

// Now returns the store's clock reading.
func (s *Store) Now() time.Time { return s.now() }

// Ping checks that the database answers a query; used by health checks.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return internal(err, "database unreachable")
	}
	if err := s.flusher.failed(); err != nil {
		return internal(err, "database can't be written to disk")
	}
	return nil
}

// migrate applies every embedded migration not yet recorded, each in its own
// transaction together with its record, so a crash leaves either all of a
// migration or none of it.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return internal(err, "creating migrations table")
	}
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return internal(err, "listing migrations")
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return internal(err, "starting migration")
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return internal(err, "reading migrations")
	}
	if n > 0 {
		return nil
	}
	body, err := migrationFiles.ReadFile(name)
	if err != nil {
		return internal(err, "reading migration "+name)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return internal(fmt.Errorf("%s: %w", name, err), "applying migration")
	}
	// A migration that edits sqlite_schema in place (0008) leaves the schema
	// version where it was, and a connection that read the schema before
	// would not read it again. Moving the version on, as SQLite's procedure
	// for such edits asks, is harmless after any other migration.
	var version int64
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return internal(err, "reading schema version")
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA schema_version = %d", version+1)); err != nil {
		return internal(err, "moving schema version on")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`,
		name, s.now().UnixMilli()); err != nil {
		return internal(err, "recording migration")
	}
	if err := tx.Commit(); err != nil {
		return internal(err, "committing migration")
	}
	return nil
}

// inTx runs fn in a write transaction and commits only if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return internal(err, "starting transaction")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return internal(err, "committing")
	}
	return nil
}

// isUniqueViolation reports whether err is SQLite refusing a duplicate key.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

// isForeignKeyViolation reports whether err is SQLite refusing a dangling reference.
func isForeignKeyViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintForeignKey
	}
	return false
}

// key folds a name for identity comparisons: trimmed, single-spaced, lower case.
func key(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// cleanName trims and collapses inner whitespace.
func cleanName(name string) string {
	return strings.Join(strings.Fields(name), " ")
}
