package crm

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// The CSV import machinery shared by contacts, employees and services:
// reading (BOM, delimiter, header, spreadsheet line numbers), and writing
// rows all-or-nothing in batched transactions (see rowWriter). The formats
// are described in docs/csv.md.

// DefaultBatchRows is the most rows an import commits in one transaction.
// Every commit writes each page the batch changed to the WAL, and rows
// land on random pages of the E.164 and name indexes, so small batches
// multiply the writing: at a million contacts, batches of 2,000 rows write
// about 4 KB per row, batches of 20,000 about 1.5 KB. A batch ends early
// when another writer waits (see rowWriter.row), so a large one never
// holds up the rest of callcard for long.
const DefaultBatchRows = 20_000

// yieldEvery is how often (in rows) a batch checks for waiting writers.
const yieldEvery = 128

// MaxReportedErrors bounds ImportReport.Errors so that a file that is wrong
// throughout cannot fill memory with a million messages; Failed still
// counts every bad row.
const MaxReportedErrors = 1000

// ImportOptions tunes an import. The zero value is fine.
type ImportOptions struct {
	// Progress, if set, is called on the importing goroutine after each
	// committed batch and once at the end.
	Progress func(ImportProgress)
	// BatchRows is the most rows committed per transaction; 0 means
	// DefaultBatchRows. A batch also ends as soon as another writer waits.
	BatchRows int
}

// ImportProgress says how far an import has got.
type ImportProgress struct {
	Rows     int   // data rows read so far, good and bad
	Imported int   // rows written and committed
	Failed   int   // bad rows
	Bytes    int64 // bytes of input consumed so far; compare with the file size
}

// ImportReport is the outcome of an import.
type ImportReport struct {
	Rows     int // data rows read (the header and blank lines not counted)
	Imported int // rows written and committed
	Created  int // imported rows that created their record
	Updated  int // imported rows that matched a stored record
	Failed   int // bad rows, none of which was written
	// Errors describes the bad rows in file order, at most
	// MaxReportedErrors of them.
	Errors []RowError
}

// RowError is one bad row: where it is and what is wrong with it.
type RowError struct {
	Line    int    // 1-based, as a spreadsheet numbers rows; the header is line 1
	Column  string // the column at fault, "" when the row as a whole is
	Message string
}

// Error implements error: `line 7, column phone: "12ab": not a telephone number: ...`.
func (e *RowError) Error() string {
	if e.Column == "" {
		return "line " + strconv.Itoa(e.Line) + ": " + e.Message
	}
	return "line " + strconv.Itoa(e.Line) + ", column " + e.Column + ": " + e.Message
}

// newRowError builds a RowError for a column from err, keeping only the user-safe
// part of a crm.Error (its field is replaced by the column name).
func newRowError(line int, column string, err error) *RowError {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return &RowError{Line: line, Column: column, Message: e.Message}
	}
	return &RowError{Line: line, Column: column, Message: err.Error()}
}

// ---- reading ----

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvSource reads records and numbers them as a spreadsheet does: every
// record is one row, blank lines included, however many text lines its
// quoted fields span.
type csvSource struct {
	in      *countingReader
	cr      *csv.Reader
	header  []string // normalised column names; "" for an empty header cell
	row     int      // spreadsheet row of the last record read
	endLine int      // text line on which the last record ended
}

// headerScan is how far into the input the delimiter is looked for.
const headerScan = 64 << 10

// newCSVSource skips a UTF-8 byte-order mark, picks the delimiter (',', ';'
// or tab) that occurs most often outside quotes on the first line, and reads
// the header.
func newCSVSource(r io.Reader) (*csvSource, error) {
	in := &countingReader{r: r}
	br := bufio.NewReaderSize(in, headerScan)
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	head, err := br.Peek(headerScan)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, internal(err, "reading the file")
	}
	cr := csv.NewReader(br)
	cr.Comma = detectComma(head)
	cr.FieldsPerRecord = -1
	src := &csvSource{in: in, cr: cr}
	_, rec, err := src.next()
	if errors.Is(err, io.EOF) {
		return nil, Errorf(CodeInvalid, "header", "the file is empty; the first line must name the columns")
	}
	var re *RowError
	if errors.As(err, &re) {
		return nil, Errorf(CodeInvalid, "header", "the header line can't be read: %s", re.Message)
	}
	if err != nil {
		return nil, err
	}
	src.header = make([]string, len(rec))
	for i, h := range rec {
		src.header[i] = normaliseColumn(h)
	}
	return src, nil
}

// normaliseColumn folds a header cell: "Account Manager" -> "account_manager".
func normaliseColumn(h string) string {
	h = key(strings.TrimPrefix(h, "\ufeff"))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// detectComma counts candidate delimiters outside quotes on the first line.
func detectComma(b []byte) rune {
	var comma, semi, tab int
	quoted := false
scan:
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			break scan
		case c == ',':
			comma++
		case c == ';':
			semi++
		case c == '\t':
			tab++
		}
	}
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma && tab > semi:
		return '\t'
	}
	return ','
}

// next returns the next record and its spreadsheet line. A record that is
// not well-formed CSV comes back as a *RowError; io.EOF ends the input; any
// other error is the input failing.
func (s *csvSource) next() (int, []string, error) {
	rec, err := s.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line := s.advance(pe.StartLine, pe.Line)
			return line, nil, &RowError{Line: line, Message: "not valid CSV: " + pe.Err.Error()}
		}
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, internal(err, "reading the file")
	}
	start, _ := s.cr.FieldPos(0)
	last := len(rec) - 1
	end, _ := s.cr.FieldPos(last)
	end += strings.Count(rec[last], "\n")
	return s.advance(start, end), rec, nil
}

func (s *csvSource) advance(start, end int) int {
	s.row += 1 + max(0, start-s.endLine-1) // blank lines are rows too
	s.endLine = end
	return s.row
}

// bytesRead is how much of the input has been consumed.
func (s *csvSource) bytesRead() int64 { return s.in.n }

// columns maps the header onto the known columns of a format. Unknown and
// repeated columns fail the whole file before anything is written.
func (s *csvSource) columns(format string, known []string, required ...string) (map[string]int, error) {
	idx := make(map[string]int, len(known))
	var unknown []string
	for i, h := range s.header {
		if h == "" {
			continue
		}
		if !slices.Contains(known, h) {
			unknown = append(unknown, strconv.Quote(h))
			continue
		}
		if _, dup := idx[h]; dup {
			return nil, Errorf(CodeInvalid, "header", "column %q appears twice", h)
		}
		idx[h] = i
	}
	if len(unknown) > 0 {
		word := "column"
		if len(unknown) > 1 {
			word = "columns"
		}
		return nil, Errorf(CodeInvalid, "header", "unknown %s %s in a %s file (known columns: %s)",
			word, strings.Join(unknown, ", "), format, strings.Join(known, ", "))
	}
	for _, r := range required {
		if _, ok := idx[r]; !ok {
			return nil, Errorf(CodeInvalid, "header", "a %s file needs a column %q", format, r)
		}
	}
	return idx, nil
}

// strayCells reports a value in a column without a header, or beyond the
// last header column: nothing in the file says what it is.
func (s *csvSource) strayCells(line int, rec []string) *RowError {
	for i, v := range rec {
		if strings.TrimSpace(v) == "" {
			continue
		}
		if i >= len(s.header) {
			return &RowError{Line: line, Message: fmt.Sprintf("has a value in field %d, but the header names only %d columns", i+1, len(s.header))}
		}
		if s.header[i] == "" {
			return &RowError{Line: line, Message: fmt.Sprintf("has a value in field %d, whose column has no name in the header", i+1)}
		}
	}
	return nil
}

// cell returns the trimmed value of column i of rec; "" when the column is
// absent (i < 0) or the row is short.
func csvCell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// col returns the index of a column, -1 if the file has none.
func columnIndex(idx map[string]int, name string) int {
	if i, ok := idx[name]; ok {
		return i
	}
	return -1
}

// splitCell splits a cell on any of seps, trimming and dropping empties.
func splitCell(s string, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ---- writing ----

// rowWriter writes rows in batched transactions on the writer connection.
// Every row is all-or-nothing and every batch is committed whole, so an
// interrupted import leaves whole rows only and can simply be run again.
//
// A row runs inside a savepoint when it may fail: SQLite copies every page
// a savepoint touches into a sub-journal, which costs about a tenth of the
// import's time. Rows are checked in Go before they are written, so a write
// rarely fails; the writer therefore writes a batch without savepoints and,
// if a row does fail, rolls the batch back (the caller's caches too, through
// the undo functions it registered) and writes it again with one savepoint
// per row, which skips the bad row and keeps the others.
type rowWriter struct {
	s         *Store
	ctx       context.Context // the caller's; checked between rows
	wctx      context.Context // ctx without its cancellation, for statements
	batchRows int
	progress  func(ImportProgress)
	bytes     func() int64

	sqls []string    // the importer's statements, by index
	bulk bool        // holding the checkpointer paused
	db   []*sql.Stmt // prepared once on the writer connection
	st   []*sql.Stmt // the same, bound to the open transaction
	tx   *txn
	// conn is the writer connection, held for the open batch, and raw the
	// statements exec has prepared on it, by index into sqls (nil: not
	// prepared in this batch).
	conn *sql.Conn
	raw  []*sqlite3.SQLiteStmt
	args []driver.NamedValue // exec's arguments, reused
	now  int64               // Unix ms, taken per batch
	inTx int                 // rows in the open batch, good and bad
	// waits is the writer pool's wait count when the batch began.
	waits int64

	careful bool                   // one savepoint per row until the batch commits
	always  bool                   // careful for every batch
	batch   []func() (bool, error) // rows written in the open batch, for a replay
	undo    []func()               // reverses cache changes of the open batch
	restore []string               // pragmas that put the connection back as it was
	rep     *ImportReport
	pend    ImportReport // counts of the open batch, added to rep on commit
	wrote   bool
}

// Statements appended to every writer's own.
const (
	spBegin = iota
	spRelease
	spRollback
	spCount
)

var savepointSQL = [spCount]string{"SAVEPOINT import_row", "RELEASE import_row", "ROLLBACK TO import_row"}

// importPragmas tune the writer connection for the length of an import and
// are put back afterwards: a larger page cache for the indexes being filled
// at random (organisations by name), a sub-journal in memory, and WAL
// checkpoints every 80 MB rather than every 4 MB. Measured at 300,000 rows,
// they halved the import time. The cache was 128 MB then, for the number
// index above all; since a first import builds that index at its end
// (deferNumberIndex), 32 MB imports 1,000,000 contacts as fast, and the
// import's resident memory is 80 MB lower.
var importPragmas = [][2]string{
	{"cache_size", "-32768"},
	{"temp_store", "2"},
	{"wal_autocheckpoint", "20000"},
}

// newRowWriter prepares sqls (addressed later by index) on the writer
// connection.
func (s *Store) newRowWriter(ctx context.Context, opt ImportOptions, rep *ImportReport, sqls []string) (*rowWriter, error) {
	w := &rowWriter{
		s: s, ctx: ctx, wctx: context.WithoutCancel(ctx), batchRows: opt.BatchRows, progress: opt.Progress,
		sqls: sqls, raw: make([]*sqlite3.SQLiteStmt, len(sqls)), rep: rep, bytes: func() int64 { return 0 },
	}
	if w.batchRows <= 0 {
		w.batchRows = DefaultBatchRows
	}
	// The writer pool is one connection, so these reach the connection the
	// import's transactions run on. The checkpointer pauses meanwhile.
	s.checkpoints.Pause()
	w.bulk = true
	for _, p := range importPragmas {
		var old string
		if err := s.write.QueryRowContext(w.wctx, "PRAGMA "+p[0]).Scan(&old); err != nil {
			w.close()
			return nil, internal(err, "preparing import")
		}
		w.restore = append(w.restore, "PRAGMA "+p[0]+" = "+old)
		if _, err := s.write.ExecContext(w.wctx, "PRAGMA "+p[0]+" = "+p[1]); err != nil {
			w.close()
			return nil, internal(err, "preparing import")
		}
	}
	for _, q := range append(append([]string(nil), sqls...), savepointSQL[:]...) {
		st, err := s.write.PrepareContext(w.wctx, q)
		if err != nil {
			w.close()
			return nil, internal(err, "preparing import")
		}
		w.db = append(w.db, st)
	}
	return w, nil
}

// stmt returns statement i bound to the open transaction.
func (w *rowWriter) stmt(i int) *sql.Stmt { return w.st[i] }

// exec runs statement i, with args, straight on the driver connection in
// the open transaction. Imports run the statements that write most rows
// through it: database/sql's own work per statement (its locks, argument
// conversion and result) was 8% of the CPU of the import's writer, the one
// goroutine that sets an import's pace. Without it, the writer took 4.64 s
// instead of 4.86 s for 300,000 contacts (BenchmarkImportContacts CPU
// profiles).
func (w *rowWriter) exec(i int, args ...any) (driver.Result, error) {
	w.args = w.args[:0]
	for n, a := range args {
		// As database/sql converts: the driver's own types pass as they
		// are, others (int, named types such as Money) are converted.
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, err
		}
		w.args = append(w.args, driver.NamedValue{Ordinal: n + 1, Value: v})
	}
	var res driver.Result
	err := w.conn.Raw(func(dc any) error {
		if w.raw[i] == nil {
			st, err := prepareRaw(w.wctx, dc, w.sqls[i])
			if err != nil {
				return err
			}
			w.raw[i] = st
		}
		var err error
		res, err = w.raw[i].ExecContext(w.wctx, w.args)
		return err
	})
	return res, err
}

// prepareRaw prepares query on dc, the writer's driver connection.
func prepareRaw(ctx context.Context, dc any, query string) (*sqlite3.SQLiteStmt, error) {
	c, ok := dc.(*sqlite3.SQLiteConn)
	if !ok {
		return nil, fmt.Errorf("the writer connection is a %T", dc)
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	raw, ok := st.(*sqlite3.SQLiteStmt)
	if !ok {
		st.Close()
		return nil, fmt.Errorf("the writer prepared a %T", st)
	}
	return raw, nil
}

// upsert runs statement insert (an INSERT ... DO NOTHING) and, if it added
// no row, statement update with the same arguments.
func (w *rowWriter) upsert(insert, update int, args ...any) error {
	n, err := affected(w.exec(insert, args...))
	if err == nil && n == 0 {
		_, err = w.stmt(update).ExecContext(w.wctx, args...)
	}
	return err
}

// onUndo registers how to reverse a cache change made by the row being
// written, should its batch be rolled back and written again.
func (w *rowWriter) onUndo(fn func()) {
	if !w.careful {
		w.undo = append(w.undo, fn)
	}
}

func (w *rowWriter) begin() error {
	conn, err := w.s.write.Conn(w.wctx)
	if err != nil {
		return internal(err, "starting import transaction")
	}
	w.conn = conn
	tx, err := w.s.write.beginOn(w.wctx, conn)
	if err != nil {
		w.release()
		return internal(err, "starting import transaction")
	}
	w.tx, w.now, w.careful = tx, w.s.now().UnixMilli(), w.always
	w.waits = w.s.write.Stats().WaitCount
	w.st = w.st[:0]
	for _, st := range w.db {
		w.st = append(w.st, tx.StmtContext(w.wctx, st))
	}
	return nil
}

// release closes the raw statements and gives the connection back to the
// pool, once the batch's transaction has ended.
func (w *rowWriter) release() {
	if w.conn == nil {
		return
	}
	w.conn.Raw(func(any) error {
		for i, st := range w.raw {
			if st != nil {
				st.Close()
				w.raw[i] = nil
			}
		}
		return nil
	})
	w.conn.Close()
	w.conn = nil
}

// row writes one row through fn. fn returns a *RowError for a row that
// can't be written, which is then left out and reported, and any other
// error for a failure that ends the import; the database refusing the row
// (a constraint) counts as a bad row. fn may be run again if the batch is
// rolled back; it must then do the same.
func (w *rowWriter) row(line int, fn func() (created bool, err error)) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	if w.tx == nil {
		if err := w.begin(); err != nil {
			return err
		}
	}
	w.inTx++
	if w.careful {
		if err := w.carefully(line, fn); err != nil {
			return err
		}
	} else {
		created, err := fn()
		if err != nil && badRow(line, err) == nil {
			return err
		}
		if err != nil {
			// Write the batch again, this time row by row in savepoints.
			if err := w.replay(); err != nil {
				return err
			}
			if err := w.carefully(line, fn); err != nil {
				return err
			}
		} else {
			w.batch = append(w.batch, fn)
			w.count(created)
		}
	}
	if w.inTx >= w.batchRows || w.inTx%yieldEvery == 0 && w.s.write.Stats().WaitCount != w.waits {
		// Full, or someone else wants the writer connection: let them in.
		return w.commit()
	}
	return nil
}

// carefully writes one row inside a savepoint.
func (w *rowWriter) carefully(line int, fn func() (bool, error)) error {
	if _, err := w.st[len(w.sqls)+spBegin].ExecContext(w.wctx); err != nil {
		return internal(err, "starting row")
	}
	created, err := fn()
	if err != nil {
		re := badRow(line, err)
		if re == nil {
			return err
		}
		if _, err := w.st[len(w.sqls)+spRollback].ExecContext(w.wctx); err != nil {
			return internal(err, "undoing row")
		}
		w.fail(re)
	} else {
		w.count(created)
	}
	if _, err := w.st[len(w.sqls)+spRelease].ExecContext(w.wctx); err != nil {
		return internal(err, "finishing row")
	}
	return nil
}

// replay rolls the open batch back, undoes its cache changes and writes its
// rows again, carefully.
func (w *rowWriter) replay() error {
	err := w.tx.Rollback()
	w.tx = nil
	w.release()
	if err != nil {
		return internal(err, "rolling back import batch")
	}
	for i := len(w.undo) - 1; i >= 0; i-- {
		w.undo[i]()
	}
	rows := w.batch
	w.batch, w.undo, w.pend = nil, nil, ImportReport{}
	if err := w.begin(); err != nil {
		return err
	}
	w.careful = true
	for _, fn := range rows {
		// Rows that went in once go in again: their line is not needed.
		if err := w.carefully(0, fn); err != nil {
			return err
		}
	}
	return nil
}

func (w *rowWriter) count(created bool) {
	w.pend.Imported++
	if created {
		w.pend.Created++
	} else {
		w.pend.Updated++
	}
}

// badRow turns a row's write failure into a RowError, or nil for a failure
// that is not the row's fault.
func badRow(line int, err error) *RowError {
	var re *RowError
	if errors.As(err, &re) {
		return re
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return &RowError{Line: line, Message: "the register refused the row: " + se.Error()}
	}
	return nil
}

// fail records a bad row.
func (w *rowWriter) fail(re *RowError) {
	w.rep.Failed++
	if len(w.rep.Errors) < MaxReportedErrors {
		w.rep.Errors = append(w.rep.Errors, *re)
	}
}

// commit ends the open batch, if any, and reports progress.
func (w *rowWriter) commit() error {
	if w.tx != nil {
		tx := w.tx
		w.tx = nil
		err := tx.Commit()
		w.release()
		if err != nil {
			return internal(err, "committing import batch")
		}
		w.rep.Imported += w.pend.Imported
		w.rep.Created += w.pend.Created
		w.rep.Updated += w.pend.Updated
		w.wrote = w.wrote || w.pend.Imported > 0
		w.pend, w.batch, w.undo = ImportReport{}, w.batch[:0], w.undo[:0]
	}
	w.inTx = 0
	w.report()
	return nil
}

func (w *rowWriter) report() {
	if w.progress != nil {
		w.progress(ImportProgress{Rows: w.rep.Rows, Imported: w.rep.Imported, Failed: w.rep.Failed, Bytes: w.bytes()})
	}
}

// close rolls back an open batch, releases the statements and puts the
// connection's settings back. After an import that wrote, it folds the WAL
// back into the database so that the next write does not pay for it.
func (w *rowWriter) close() {
	if w.tx != nil {
		w.tx.Rollback()
		w.tx = nil
	}
	w.release()
	for _, st := range w.db {
		st.Close()
	}
	w.db = nil
	for _, q := range w.restore {
		w.s.write.ExecContext(w.wctx, q)
	}
	if w.wrote {
		w.s.write.ExecContext(w.wctx, "PRAGMA wal_checkpoint(PASSIVE)")
	}
	if w.bulk {
		w.s.checkpoints.Resume()
		w.bulk = false
	}
}

// importFailed wraps the error that ended an import.
func importFailed(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("importing %s: stopped: %w", what, err)
	}
	return fmt.Errorf("importing %s: %w", what, err)
}

// nullIfEmpty turns "" into SQL NULL.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
