package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Contact file columns, in the order export writes them.
var contactColumnNames = []string{
	"organisation", "contact", "role", "phone", "email", "account_manager",
	"client_since", "annual_value", "services", "status", "language", "number_ranges",
}

// contactRow is one validated line of a contacts file, ready to write.
type contactRow struct {
	line    int
	orgName string
	orgKey  string
	status  OrgStatus // "" when not given
	since   string    // YYYY-MM-DD, "" when not given
	value   Money
	hasVal  bool
	amID    int64 // 0 when not given
	ranges  []NumberRange
	svcIDs  []int64
	contact string // "" for an organisation-level row
	conKey  string
	role    string
	email   string
	lang    string
	numbers []PhoneNumber
	err     *RowError
}

// contactRules validates rows; it only reads what it holds, so several
// goroutines can share it.
type contactRules struct {
	s        *Store
	src      *csvSource
	c        [12]int // column index per contactColumnNames entry, -1 if absent
	empEmail map[string]int64
	empName  map[string]int64
	services map[string]int64
}

const (
	ccOrganisation = iota
	ccContact
	ccRole
	ccPhone
	ccEmail
	ccAccountManager
	ccClientSince
	ccAnnualValue
	ccServices
	ccStatus
	ccLanguage
	ccNumberRanges
)

func (v *contactRules) validate(line int, rec []string) contactRow {
	r := contactRow{line: line}
	fail := func(column string, err error) contactRow {
		r.err = newRowError(line, column, err)
		return r
	}
	get := func(c int) string { return csvCell(rec, v.c[c]) }
	if re := v.src.strayCells(line, rec); re != nil {
		r.err = re
		return r
	}
	r.orgName = cleanName(get(ccOrganisation))
	if r.orgName == "" {
		return fail("organisation", Errorf(CodeInvalid, "", "an organisation name is required"))
	}
	r.orgKey = strings.ToLower(r.orgName)
	r.contact = cleanName(get(ccContact))
	r.conKey = strings.ToLower(r.contact)
	r.role = cleanName(get(ccRole))
	r.email = get(ccEmail)
	r.lang = strings.ToLower(get(ccLanguage))
	if r.contact == "" {
		for _, c := range []int{ccRole, ccEmail, ccLanguage} {
			if get(c) != "" {
				return fail("contact", Errorf(CodeInvalid, "", "a contact name is required when %s is given", contactColumnNames[c]))
			}
		}
	}
	if r.email != "" && (!strings.Contains(r.email, "@") || strings.ContainsAny(r.email, " \t\n;,")) {
		return fail("email", Errorf(CodeInvalid, "", "%q is not an e-mail address", r.email))
	}
	if s := get(ccStatus); s != "" {
		st, err := ParseOrgStatus("status", s)
		if err != nil {
			return fail("status", err)
		}
		r.status = st
	}
	since, err := ParseDate("client_since", get(ccClientSince))
	if err != nil {
		return fail("client_since", err)
	}
	r.since = formatDate(since)
	if s := get(ccAnnualValue); s != "" {
		if r.value, err = ParseMoney("annual_value", s); err != nil {
			return fail("annual_value", err)
		}
		r.hasVal = true
	}
	if am := get(ccAccountManager); am != "" {
		id, ok := v.empEmail[strings.ToLower(am)]
		if !ok {
			id, ok = v.empName[key(am)]
		}
		if !ok {
			return fail("account_manager", Errorf(CodeInvalid, "", "no employee named %q", am))
		}
		r.amID = id
	}
	for _, code := range splitCell(get(ccServices), ";,") {
		id, ok := v.services[strings.ToLower(code)]
		if !ok {
			return fail("services", Errorf(CodeInvalid, "", "no service with code %q", code))
		}
		if !slices.Contains(r.svcIDs, id) {
			r.svcIDs = append(r.svcIDs, id)
		}
	}
	for _, raw := range splitCell(get(ccNumberRanges), ";") {
		p, err := v.s.phone.NormalisePrefix(raw)
		if err != nil {
			return fail("number_ranges", err)
		}
		if !containsRange(r.ranges, p) {
			r.ranges = append(r.ranges, NumberRange{Prefix: p, Raw: raw})
		}
	}
	if s := get(ccPhone); s != "" {
		ins, err := ParseNumberList("phone", s)
		if err != nil {
			return fail("phone", err)
		}
		fallback := Label("")
		if r.contact == "" {
			fallback = LabelSwitchboard
		}
		for _, in := range ins {
			n, err := normaliseForStorage(v.s.phone, "phone", in, fallback)
			if err != nil {
				return fail("phone", err)
			}
			if !containsNumber(r.numbers, n.E164) {
				r.numbers = append(r.numbers, n)
			}
		}
	}
	return r
}

func containsRange(rs []NumberRange, p string) bool {
	for _, r := range rs {
		if r.Prefix == p {
			return true
		}
	}
	return false
}

func containsNumber(ns []PhoneNumber, e164 string) bool {
	for _, n := range ns {
		if n.E164 == e164 {
			return true
		}
	}
	return false
}

// orgState is what the import knows an organisation holds in the database,
// so that a row repeating its values costs no write.
type orgState struct {
	id     int64
	name   string
	status OrgStatus
	since  string
	value  Money
	amID   int64
	subs   []subDone // subscriptions active and needing no write, as read or written
}

// organisationOver returns o with what the row gives of its organisation:
// the name as written, and each value the row fills in. What the row
// leaves empty keeps o's value.
func (r *contactRow) organisationOver(o orgState) orgState {
	o.name = r.orgName
	if r.status != "" {
		o.status = r.status
	}
	if r.since != "" {
		o.since = r.since
	}
	if r.hasVal {
		o.value = r.value
	}
	if r.amID != 0 {
		o.amID = r.amID
	}
	return o
}

type subDone struct {
	service int64
	since   string
}

// Statements of a contacts import, by index. Upserts are an INSERT ... DO
// NOTHING followed, only when it added nothing, by an UPDATE: SQLite runs
// ON CONFLICT DO UPDATE an order of magnitude slower inside a long
// transaction with savepoints (measured: 25 us to 1.5 ms against 3 us).
const (
	csOrgInsert = iota
	csOrgSelect
	csOrgUpdate
	csRangeInsert
	csRangeUpdate
	csRangeOwner
	csSubInsert
	csSubUpdate
	csContactInsert
	csContactSelect
	csContactUpdate
	csContactNumberInsert
	csContactNumberUpdate
	csOrgNumberInsert
	csOrgNumberUpdate
)

var contactImportSQL = []string{
	csOrgInsert: `INSERT INTO organisations
		(name, name_key, status, client_since, annual_value_cents, account_manager_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name_key) DO NOTHING`,
	csOrgSelect: `SELECT id, name, status, coalesce(client_since, ''), annual_value_cents, coalesce(account_manager_id, 0),
		(SELECT group_concat(service_id || ' ' || coalesce(since, ''), ',') FROM subscriptions
			WHERE organisation_id = organisations.id AND status = 'active')
		FROM organisations WHERE name_key = ?`,
	csOrgUpdate: `UPDATE organisations SET name = ?, status = ?, client_since = ?, annual_value_cents = ?,
		account_manager_id = ?, updated_at = ? WHERE id = ?`,
	csRangeInsert: `INSERT INTO number_ranges (organisation_id, prefix, raw) VALUES (?, ?, ?) ON CONFLICT (prefix) DO NOTHING`,
	csRangeUpdate: `UPDATE number_ranges SET raw = ?3 WHERE organisation_id = ?1 AND prefix = ?2`,
	csRangeOwner:  `SELECT o.name FROM number_ranges r JOIN organisations o ON o.id = r.organisation_id WHERE r.prefix = ?`,
	csSubInsert: `INSERT INTO subscriptions (organisation_id, service_id, since, status) VALUES (?, ?, ?, 'active')
		ON CONFLICT (organisation_id, service_id) DO NOTHING`,
	csSubUpdate: `UPDATE subscriptions SET status = 'active', since = coalesce(?3, since)
		WHERE organisation_id = ?1 AND service_id = ?2 AND (status <> 'active' OR since IS NOT coalesce(?3, since))`,
	csContactInsert: `INSERT INTO contacts
		(organisation_id, name, name_key, job_title, email, language, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (organisation_id, name_key) DO NOTHING`,
	csContactSelect: `SELECT id, name, job_title, email, language FROM contacts WHERE organisation_id = ? AND name_key = ?`,
	csContactUpdate: `UPDATE contacts SET name = ?, job_title = ?, email = ?, language = ?, updated_at = ? WHERE id = ?`,
	csContactNumberInsert: `INSERT INTO phone_numbers (e164, raw, label, contact_id) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (contact_id, e164) WHERE contact_id IS NOT NULL DO NOTHING`,
	csContactNumberUpdate: `UPDATE phone_numbers SET raw = ?2, label = ?3
		WHERE contact_id = ?4 AND e164 = ?1 AND (raw <> ?2 OR label <> ?3)`,
	csOrgNumberInsert: `INSERT INTO phone_numbers (e164, raw, label, organisation_id) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (organisation_id, e164) WHERE organisation_id IS NOT NULL DO NOTHING`,
	csOrgNumberUpdate: `UPDATE phone_numbers SET raw = ?2, label = ?3
		WHERE organisation_id = ?4 AND e164 = ?1 AND (raw <> ?2 OR label <> ?3)`,
}

// ImportContacts reads a contacts file (docs/csv.md) and writes its
// organisations, contacts, numbers, number ranges and subscriptions.
// Bad rows are reported in the ImportReport and skipped; the error is for
// input that can't be read, a bad header (CodeInvalid), a failing database
// or a cancelled ctx. Rows are committed in batches: after an error, the
// report counts what was committed, and running the import again is safe.
func (s *Store) ImportContacts(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	src, err := newCSVSource(r)
	if err != nil {
		return rep, err
	}
	idx, err := src.columns("contacts", contactColumnNames, "organisation")
	if err != nil {
		return rep, err
	}
	rules := &contactRules{s: s, src: src}
	for i, name := range contactColumnNames {
		rules.c[i] = columnIndex(idx, name)
	}
	if err := s.loadReferences(ctx, rules); err != nil {
		return rep, importFailed("contacts", err)
	}
	deferred, err := s.deferNumberIndex(ctx)
	if err != nil {
		return rep, importFailed("contacts", err)
	}
	err = s.writeContacts(ctx, src, rules, opt, &rep)
	if deferred {
		if ierr := s.buildNumberIndex(ctx); ierr != nil {
			err = errors.Join(err, importFailed("contacts", ierr))
		}
	}
	return rep, err
}

// writeContacts validates the file's rows and writes them in batches.
func (s *Store) writeContacts(ctx context.Context, src *csvSource, rules *contactRules, opt ImportOptions,
	rep *ImportReport) error {
	w, err := s.newRowWriter(ctx, opt, rep, contactImportSQL)
	if err != nil {
		return err
	}
	defer w.close()
	ci, err := s.newContactImport(ctx, w)
	if err != nil {
		return err
	}

	// Reading and validating (number parsing is most of the work) run on
	// other goroutines, writing on this one, in file order.
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	chunks := contactPipeline(pctx, src, rules, w.batchRows)
	var lastBytes int64
	w.bytes = func() int64 { return lastBytes }
	for ch := range chunks {
		<-ch.done
		for i := range ch.rows {
			row := &ch.rows[i]
			rep.Rows++
			if row.err != nil {
				w.fail(row.err)
				continue
			}
			if err := w.row(row.line, func() (bool, error) { return ci.write(row) }); err != nil {
				stop()
				drainChunks(chunks)
				return importFailed("contacts", err)
			}
		}
		lastBytes = ch.bytes
		if ch.err != nil {
			stop()
			drainChunks(chunks)
			return importFailed("contacts", ch.err)
		}
	}
	if err := ctx.Err(); err != nil {
		return importFailed("contacts", err)
	}
	if err := w.commit(); err != nil {
		return importFailed("contacts", err)
	}
	return nil
}

// loadReferences fills the look-up tables a row is validated against.
func (s *Store) loadReferences(ctx context.Context, v *contactRules) error {
	v.empEmail, v.empName, v.services = map[string]int64{}, map[string]int64{}, map[string]int64{}
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, email FROM employees`)
	if err != nil {
		return internal(err, "reading employees")
	}
	for rows.Next() {
		var id int64
		var name, email string
		if err := rows.Scan(&id, &name, &email); err != nil {
			rows.Close()
			return internal(err, "reading employees")
		}
		v.empName[key(name)] = id
		if email != "" {
			v.empEmail[strings.ToLower(email)] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return internal(err, "reading employees")
	}
	rows, err = s.read.QueryContext(ctx, `SELECT id, code FROM services`)
	if err != nil {
		return internal(err, "reading services")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return internal(err, "reading services")
		}
		v.services[code] = id
	}
	if err := rows.Err(); err != nil {
		return internal(err, "reading services")
	}
	return nil
}

// contactImport writes validated rows.
type contactImport struct {
	w    *rowWriter
	orgs *importOrgCache
	// known holds a hash of the name key of every organisation the
	// register held when the import began or the import has inserted
	// since, so that one not remembered in orgs is read when the register
	// may hold it and inserted straight away when it can't (a collision
	// only costs a read). 257,385 organisations take 9 MB.
	known map[uint64]struct{}
	seed  maphash.Seed
}

// newContactImport reads which organisations the register holds.
func (s *Store) newContactImport(ctx context.Context, w *rowWriter) (*contactImport, error) {
	ci := &contactImport{w: w, orgs: newImportOrgCache(s.importOrgs), known: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	rows, err := s.read.QueryContext(ctx, `SELECT name_key FROM organisations`)
	if err != nil {
		return nil, internal(err, "reading organisations")
	}
	defer rows.Close()
	var k []byte
	for rows.Next() {
		if err := rows.Scan(&k); err != nil {
			return nil, internal(err, "reading organisations")
		}
		ci.known[maphash.Bytes(ci.seed, k)] = struct{}{}
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading organisations")
	}
	return ci, nil
}

// mayHold says whether the register may hold the organisation with name
// key k: false only if it did not when the import began and the import
// has not inserted it since.
func (ci *contactImport) mayHold(k string) bool {
	_, ok := ci.known[maphash.String(ci.seed, k)]
	return ok
}

// readOrganisation reads the stored state of the organisation with name
// key k, with its active subscriptions; nil if the register holds none.
func (ci *contactImport) readOrganisation(k string) (*orgState, error) {
	var o orgState
	var subs sql.NullString
	err := ci.w.stmt(csOrgSelect).QueryRowContext(ci.w.wctx, k).Scan(&o.id, &o.name, &o.status, &o.since,
		&o.value, &o.amID, &subs)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, internal(err, "reading organisation")
	}
	// A subscription active since S needs no write for a row that gives S
	// or no date (the stored one is kept).
	for sub := range strings.SplitSeq(subs.String, ",") {
		id, since, ok := strings.Cut(sub, " ")
		svc, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil {
			continue
		}
		o.subs = append(o.subs, subDone{service: svc, since: since})
		if since != "" {
			o.subs = append(o.subs, subDone{service: svc})
		}
	}
	return &o, nil
}

// write writes one row, for rowWriter.row. Changes to the organisation
// cache are made once nothing in the row can fail any more, with undo
// functions in case the batch is written again.
func (ci *contactImport) write(r *contactRow) (created bool, err error) {
	w := ci.w
	ctx := w.wctx
	cur := ci.orgs.get(r.orgKey)
	var next orgState
	orgCreated := false
	if cur == nil && ci.mayHold(r.orgKey) {
		stored, err := ci.readOrganisation(r.orgKey)
		if err != nil {
			return false, err
		}
		cur = stored
	}
	if cur == nil {
		// New to the register, as far as the import can tell.
		next = r.organisationOver(orgState{status: StatusActive})
		id, err := insertID(w.exec(csOrgInsert, next.name, r.orgKey, next.status,
			nullIfEmpty(next.since), next.value, nullID(next.amID), w.now, w.now))
		switch {
		case err != nil:
			return false, internal(err, "saving organisation")
		case id == 0:
			// Held already: read it, then update it with what the row gives.
			if cur, err = ci.readOrganisation(r.orgKey); err != nil {
				return false, err
			}
			if cur == nil {
				return false, internal(errors.New("organisation neither inserted nor found"), "saving organisation")
			}
		default:
			next.id, orgCreated = id, true
			ci.known[maphash.String(ci.seed, r.orgKey)] = struct{}{}
		}
	}
	if cur != nil {
		next = r.organisationOver(*cur)
		if next.name != cur.name || next.status != cur.status || next.since != cur.since ||
			next.value != cur.value || next.amID != cur.amID {
			if _, err := w.stmt(csOrgUpdate).ExecContext(ctx, next.name, next.status, nullIfEmpty(next.since),
				next.value, nullID(next.amID), w.now, next.id); err != nil {
				return false, internal(err, "saving organisation")
			}
		}
	}
	for _, rg := range r.ranges {
		if err := ci.writeRange(r, next.id, rg); err != nil {
			return false, err
		}
	}
	var subs []subDone
	for _, svc := range r.svcIDs {
		done := subDone{service: svc, since: next.since}
		if containsSub(next.subs, done) {
			continue
		}
		if err := w.upsert(csSubInsert, csSubUpdate, next.id, svc, nullIfEmpty(next.since)); err != nil {
			return false, internal(err, "saving subscription")
		}
		subs = append(subs, done)
	}
	insert, update, ownerID := csOrgNumberInsert, csOrgNumberUpdate, next.id
	created = orgCreated
	if r.contact != "" {
		id, isNew, err := ci.writeContact(r, next.id)
		if err != nil {
			return false, err
		}
		insert, update, ownerID, created = csContactNumberInsert, csContactNumberUpdate, id, isNew
	}
	for _, n := range r.numbers {
		if err := w.upsert(insert, update, n.E164, n.Raw, n.Label, ownerID); err != nil {
			return false, internal(err, "saving number")
		}
	}
	// The row is written: remember what the organisation now holds.
	if len(subs) > 0 {
		next.subs = append(append([]subDone(nil), next.subs...), subs...)
	}
	if cached := ci.orgs.get(r.orgKey); cached != nil {
		old := *cached
		w.onUndo(func() { *cached = old })
		*cached = next
	} else {
		ci.orgs.put(r.orgKey, &next)
		w.onUndo(func() { ci.orgs.forget(r.orgKey) })
	}
	return created, nil
}

// writeRange registers a number range to the organisation; a prefix that
// another organisation holds makes the row bad.
func (ci *contactImport) writeRange(r *contactRow, orgID int64, rg NumberRange) error {
	w := ci.w
	ctx := w.wctx
	n, err := affected(w.exec(csRangeInsert, orgID, rg.Prefix, rg.Raw))
	if err == nil && n == 0 {
		n, err = affected(w.stmt(csRangeUpdate).ExecContext(ctx, orgID, rg.Prefix, rg.Raw))
		if err == nil && n == 0 {
			var owner string
			if err := w.stmt(csRangeOwner).QueryRowContext(ctx, rg.Prefix).Scan(&owner); err != nil {
				return internal(err, "reading number range")
			}
			return &RowError{Line: r.line, Column: "number_ranges",
				Message: fmt.Sprintf("range %s is already registered to %s", rg.Raw, owner)}
		}
	}
	if err != nil {
		return internal(err, "saving number range")
	}
	return nil
}

func (ci *contactImport) writeContact(r *contactRow, orgID int64) (id int64, created bool, err error) {
	w := ci.w
	ctx := w.wctx
	id, err = insertID(w.exec(csContactInsert, orgID, r.contact, r.conKey, r.role, r.email,
		r.lang, w.now, w.now))
	if err != nil {
		return 0, false, internal(err, "saving contact")
	}
	if id != 0 {
		return id, true, nil
	}
	// The contact exists: fill in what the row gives, keep what it leaves empty.
	var name, role, email, lang string
	if err := w.stmt(csContactSelect).QueryRowContext(ctx, orgID, r.conKey).Scan(&id, &name, &role, &email, &lang); err != nil {
		return 0, false, internal(err, "reading contact")
	}
	nr, ne, nl := keepIfEmpty(r.role, role), keepIfEmpty(r.email, email), keepIfEmpty(r.lang, lang)
	if name != r.contact || nr != role || ne != email || nl != lang {
		if _, err := w.stmt(csContactUpdate).ExecContext(ctx, r.contact, nr, ne, nl, w.now, id); err != nil {
			return 0, false, internal(err, "saving contact")
		}
	}
	return id, false, nil
}

// affected returns the number of rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// insertID returns the id of the row an INSERT (... DO NOTHING) added, or
// 0 if it added none. The importers and the insertions of every ringing
// call use it instead of RETURNING id, which makes SQLite open and close a
// temporary table for each statement: 6.5 µs against 0.9 µs for a bare
// insert on the development VM.
func insertID(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, err
	}
	return res.LastInsertId()
}

func containsSub(subs []subDone, s subDone) bool {
	for _, v := range subs {
		if v == s {
			return true
		}
	}
	return false
}

func keepIfEmpty(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ---- the read-and-validate pipeline ----

// chunkRows is how many records travel together between goroutines.
const chunkRows = 256

// maxChunkQueue bounds how many chunks may be read ahead of the writer.
const maxChunkQueue = 32

type contactChunk struct {
	recs  [][]string
	lines []int
	rows  []contactRow
	bytes int64 // input consumed once the chunk was read
	err   error // the input failed after this chunk's records
	done  chan struct{}
}

// contactPipeline reads records on one goroutine and validates chunks of them on
// others; the returned channel yields chunks in file order, each to be
// awaited on its done channel. It is closed when the input ends or ctx is
// cancelled.
func contactPipeline(ctx context.Context, src *csvSource, rules *contactRules, batchRows int) <-chan *contactChunk {
	workers := max(1, runtime.GOMAXPROCS(0))
	// A deep queue (up to a batch, at most about 8,000 rows) keeps the
	// validators busy while the writer waits on a commit or a checkpoint.
	depth := min(max(batchRows/chunkRows, 2), maxChunkQueue)
	ordered := make(chan *contactChunk, depth)
	work := make(chan *contactChunk, depth)
	for range workers {
		go func() {
			for ch := range work {
				for i, rec := range ch.recs {
					if ctx.Err() != nil {
						break // the importer has stopped and won't look
					}
					if rec != nil { // nil: not valid CSV, error already set
						ch.rows[i] = rules.validate(ch.lines[i], rec)
					}
				}
				ch.recs = nil
				close(ch.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(work)
		for {
			ch := &contactChunk{done: make(chan struct{}), rows: make([]contactRow, 0, chunkRows)}
			for len(ch.recs) < chunkRows {
				line, rec, err := src.next()
				if errors.Is(err, io.EOF) {
					break
				}
				var re *RowError
				if err != nil && !errors.As(err, &re) {
					ch.err = err
					break
				}
				ch.recs, ch.lines = append(ch.recs, rec), append(ch.lines, line)
				ch.rows = append(ch.rows, contactRow{line: line, err: re})
			}
			ch.bytes = src.bytesRead()
			if len(ch.recs) == 0 && ch.err == nil {
				return
			}
			last := ch.err != nil || len(ch.recs) < chunkRows
			select {
			case ordered <- ch:
			case <-ctx.Done():
				return
			}
			select {
			case work <- ch:
			case <-ctx.Done():
				close(ch.done)
				return
			}
			if last {
				return
			}
		}
	}()
	return ordered
}

// drainChunks empties the chunk channel after the importer stopped early, so the
// reader goroutine can end (it also watches the cancelled context).
func drainChunks(chunks <-chan *contactChunk) {
	for range chunks {
	}
}
