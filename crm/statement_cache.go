package crm

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"unicode"
)

// maxCachedStatements bounds the statement cache. The store's SQL is a few
// hundred constant texts; the bound only matters for texts built on the fly
// (IN lists of varying length), which fall back to a one-off compile.
const maxCachedStatements = 512

// pool is a database handle that compiles each distinct statement once and
// reuses it. database/sql compiles a plain QueryContext afresh every time,
// and compiling costs SQLite more than running the small indexed look-ups a
// call, a card or a webhook consists of. Everything else is *sql.DB's.
type pool struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]compiled
	// committed, if set, runs after every statement run outside a
	// transaction (with a nil txn) and every transaction committed, and its
	// error is the commit's: the writer flushes the commit to disk and tells
	// the recognition cache (Store.afterCommit).
	committed func(*txn) error
}

// compiled is a statement in the cache.
type compiled struct {
	stmt *sql.Stmt
	// rows is set for a statement that returns rows; such a statement must
	// not be run by Exec (see cacheable).
	rows bool
}

func newPool(db *sql.DB) *pool {
	return &pool{DB: db, stmts: map[string]compiled{}}
}

// cached returns the compiled statement for query, if there is one that
// may run as asked.
func (p *pool) cached(query string, exec bool) *sql.Stmt {
	p.mu.RLock()
	c := p.stmts[query]
	p.mu.RUnlock()
	if exec && c.rows {
		return nil
	}
	return c.stmt
}

// stmt returns the compiled statement for query, compiling it on first use,
// or nil when it runs uncached: see cacheable, a full cache, or a text that
// does not compile (the uncached call then reports the error itself).
func (p *pool) stmt(ctx context.Context, query string, exec bool) *sql.Stmt {
	if st := p.cached(query, exec); st != nil {
		return st
	}
	ok, rows := cacheable(query)
	if !ok || exec && rows {
		return nil
	}
	p.mu.RLock()
	full := len(p.stmts) >= maxCachedStatements
	p.mu.RUnlock()
	if full {
		return nil
	}
	// Compile without holding the lock: compiling waits for a connection,
	// and the connection's holder may be waiting for the lock.
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.stmts[query]; ok {
		// Another caller compiled it meanwhile.
		st.Close()
		return c.stmt
	}
	p.stmts[query] = compiled{stmt: st, rows: rows}
	return st
}

// cacheable says whether query may be kept compiled, and whether it
// returns rows. Only plain DML is kept: a script of several statements runs
// only its first as a prepared statement, and other statements (PRAGMA,
// SAVEPOINT, VACUUM) are not worth it. go-sqlite3 does not reset a prepared
// statement after an Exec, so one that returns rows (SELECT, RETURNING)
// would stay active, holding its transaction open until its next use: such
// statements are kept for queries only.
func cacheable(query string) (ok, rows bool) {
	q := strings.TrimSpace(query)
	if strings.Contains(strings.TrimRight(q, ";"), ";") {
		return false, false
	}
	verb := q
	if i := strings.IndexFunc(q, unicode.IsSpace); i >= 0 {
		verb = q[:i]
	}
	switch strings.ToUpper(verb) {
	case "SELECT", "WITH":
		return true, true
	case "INSERT", "UPDATE", "DELETE", "REPLACE":
		return true, strings.Contains(strings.ToUpper(q), "RETURNING")
	}
	return false, false
}

// QueryContext runs query as (*sql.DB).QueryContext does, compiled once.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query, false); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query as (*sql.DB).QueryRowContext does, compiled once.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// ExecContext runs query as (*sql.DB).ExecContext does, compiled once.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	var err error
	if st := p.stmt(ctx, query, true); st != nil {
		res, err = st.ExecContext(ctx, args...)
	} else {
		res, err = p.DB.ExecContext(ctx, query, args...)
	}
	if err == nil && p.committed != nil {
		if err := p.committed(nil); err != nil {
			return nil, err
		}
	}
	return res, err
}

// BeginTx starts a transaction whose statements come from the same cache.
func (p *pool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, pool: p}, nil
}

// beginOn starts a transaction on conn, a connection held from the pool,
// with the pool's cache and commit hook like BeginTx.
func (p *pool) beginOn(ctx context.Context, conn *sql.Conn) (*txn, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, pool: p}, nil
}

// Close releases the compiled statements, then the handle: a statement
// left open would keep SQLite from closing its connection.
func (p *pool) Close() error {
	p.mu.Lock()
	for q, c := range p.stmts {
		c.stmt.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}

// querier is what a read needs: a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// txn is a transaction whose statements come from its pool's cache. A
// statement not yet compiled runs uncached and is compiled for the cache
// once the transaction ends: compiling it for the pool needs a connection
// of the pool, and the transaction may hold the only one (the writer).
type txn struct {
	*sql.Tx
	pool    *pool
	pending []pendingStmt
	// callEvents marks a group of call events: it writes no table
	// recognition reads, and its committer flushes it to disk itself, after
	// publishing the events.
	callEvents bool
	// written is the commit's number for walFlusher.flush, once committed.
	written uint64
}

type pendingStmt struct {
	query string
	exec  bool
}

func (t *txn) stmt(ctx context.Context, query string, exec bool) *sql.Stmt {
	if st := t.pool.cached(query, exec); st != nil {
		return t.Tx.StmtContext(ctx, st)
	}
	if ok, rows := cacheable(query); ok && !(exec && rows) {
		t.pending = append(t.pending, pendingStmt{query, exec})
	}
	return nil
}

// QueryContext runs query in the transaction, compiled once.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query, false); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in the transaction, compiled once.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query, false); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs query in the transaction, compiled once.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query, true); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// Commit commits, then compiles what the transaction ran uncached.
func (t *txn) Commit() error {
	err := t.Tx.Commit()
	if err == nil && t.pool.committed != nil {
		err = t.pool.committed(t)
	}
	t.compilePending()
	return err
}

// Rollback rolls back, then compiles what the transaction ran uncached.
func (t *txn) Rollback() error {
	err := t.Tx.Rollback()
	t.compilePending()
	return err
}

func (t *txn) compilePending() {
	for _, q := range t.pending {
		t.pool.stmt(context.Background(), q.query, q.exec)
	}
	t.pending = nil
}
