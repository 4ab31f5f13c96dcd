package crm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Service file columns, in the order export writes them.
var serviceColumnNames = []string{"code", "name", "pitch", "keywords", "complements"}

type serviceRow struct {
	line int
	in   ServiceInput
}

type serviceState struct {
	id                    int64
	name, pitch, keywords string
}

// ImportServices reads a services file (docs/csv.md). A catalogue is small,
// so the whole file is validated first and written in one transaction;
// complements may name services defined further down the file. Empty cells
// keep what is stored; a non-empty complements cell replaces the stored list.
func (s *Store) ImportServices(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	var rep ImportReport
	src, err := newCSVSource(r)
	if err != nil {
		return rep, err
	}
	idx, err := src.columns("services", serviceColumnNames, "code")
	if err != nil {
		return rep, err
	}
	var c [5]int
	for i, name := range serviceColumnNames {
		c[i] = columnIndex(idx, name)
	}
	stored, err := s.loadServices(ctx)
	if err != nil {
		return rep, importFailed("services", err)
	}
	w, err := s.newRowWriter(ctx, ImportOptions{Progress: opt.Progress, BatchRows: 1 << 30}, &rep, serviceImportSQL)
	if err != nil {
		return rep, err
	}
	defer w.close()
	w.bytes = src.bytesRead

	// Validate everything, so that complements can be checked against the
	// codes the file defines.
	var rows []serviceRow
	var errs []*RowError
	known := map[string]bool{}
	for code := range stored {
		known[code] = true
	}
	for {
		line, rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			rep.Rows++
			errs = append(errs, re)
			continue
		}
		if err != nil {
			return rep, importFailed("services", err)
		}
		rep.Rows++
		if re := src.strayCells(line, rec); re != nil {
			errs = append(errs, re)
			continue
		}
		row, re := validateService(line, rec, c, known)
		if re != nil {
			errs = append(errs, re)
			continue
		}
		known[row.in.Code] = true
		rows = append(rows, row)
	}
	// A row whose complements are wrong is left out, which can leave
	// another row complementing a service that won't exist, or a row
	// without a name updating a service that won't be created: repeat
	// until every remaining row is sound.
	good := rows
	for {
		before := len(good)
		known := map[string]bool{}
		for code := range stored {
			known[code] = true
		}
		for _, row := range good {
			known[row.in.Code] = true
		}
		// Rows are written in file order, so a row without a name needs
		// its service stored already or created by a row above it.
		named := map[string]bool{}
		for code := range stored {
			named[code] = true
		}
		kept := good[:0:0]
		for _, row := range good {
			re := checkComplements(row, known)
			if re == nil && row.in.Name == "" && !named[row.in.Code] {
				re = &RowError{Line: row.line, Column: "name", Message: fmt.Sprintf("new service %q needs a name", row.in.Code)}
			}
			if re != nil {
				errs = append(errs, re)
				continue
			}
			named[row.in.Code] = true
			kept = append(kept, row)
		}
		if good = kept; len(good) == before {
			break
		}
	}
	for _, re := range sortRowErrors(errs) {
		w.fail(re)
	}
	// Services first, then complements, which may point at any of them.
	// Each row is written whole or not at all because everything that can
	// be wrong with it was checked above; the transaction covers the rest.
	if len(good) > 0 {
		if err := w.begin(); err != nil {
			return rep, importFailed("services", err)
		}
	}
	for _, row := range good {
		if err := w.ctx.Err(); err != nil {
			return rep, importFailed("services", err)
		}
		created, err := writeService(w, row.in, stored)
		if err != nil {
			return rep, importFailed("services", err)
		}
		w.pend.Imported++
		if created {
			w.pend.Created++
		} else {
			w.pend.Updated++
		}
	}
	for _, row := range good {
		if row.in.Complements == nil {
			continue
		}
		id := stored[row.in.Code].id
		if _, err := w.stmt(ssComplementsClear).ExecContext(w.wctx, id); err != nil {
			return rep, importFailed("services", internal(err, "saving complements"))
		}
		for _, cp := range row.in.Complements {
			if _, err := w.stmt(ssComplement).ExecContext(w.wctx, id, stored[cp.Of].id, cp.Weight); err != nil {
				return rep, importFailed("services", internal(err, "saving complements"))
			}
		}
	}
	if err := w.commit(); err != nil {
		return rep, importFailed("services", err)
	}
	return rep, nil
}

const (
	ssInsert = iota
	ssUpdate
	ssComplementsClear
	ssComplement
)

var serviceImportSQL = []string{
	ssInsert:           `INSERT INTO services (code, name, pitch, keywords) VALUES (?, ?, ?, ?) RETURNING id`,
	ssUpdate:           `UPDATE services SET name = ?, pitch = ?, keywords = ? WHERE id = ?`,
	ssComplementsClear: `DELETE FROM service_complements WHERE service_id = ?`,
	ssComplement: `INSERT INTO service_complements (service_id, complement_of, weight) VALUES (?, ?, ?)
		ON CONFLICT DO UPDATE SET weight = excluded.weight`,
}

func (s *Store) loadServices(ctx context.Context) (map[string]*serviceState, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, code, name, pitch, keywords FROM services`)
	if err != nil {
		return nil, internal(err, "reading services")
	}
	defer rows.Close()
	out := map[string]*serviceState{}
	for rows.Next() {
		var code string
		st := &serviceState{}
		if err := rows.Scan(&st.id, &code, &st.name, &st.pitch, &st.keywords); err != nil {
			return nil, internal(err, "reading services")
		}
		out[code] = st
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading services")
	}
	return out, nil
}

func validateService(line int, rec []string, c [5]int, known map[string]bool) (serviceRow, *RowError) {
	in := ServiceInput{
		Code:     csvCell(rec, c[0]),
		Name:     csvCell(rec, c[1]),
		Pitch:    csvCell(rec, c[2]),
		Keywords: splitCell(csvCell(rec, c[3]), "; \t"),
	}
	if in.Code == "" {
		return serviceRow{}, &RowError{Line: line, Column: "code", Message: "a service needs a code"}
	}
	fillName := in.Name == "" && known[strings.ToLower(in.Code)]
	if fillName {
		in.Name = "-" // validated below, replaced by the stored name on write
	}
	var cps []Complement
	for _, part := range splitCell(csvCell(rec, c[4]), ";") {
		code, weight, hasWeight := strings.Cut(part, ":")
		cp := Complement{Of: strings.TrimSpace(code), Weight: 1}
		if hasWeight {
			w, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(weight), ",", "."), 64)
			if err != nil {
				return serviceRow{}, &RowError{Line: line, Column: "complements",
					Message: fmt.Sprintf("%q is not code:weight with a weight such as 0.8", part)}
			}
			cp.Weight = w
		}
		cps = append(cps, cp)
	}
	if len(cps) > 0 {
		in.Complements = cps
	}
	if err := in.validate(); err != nil {
		col := ErrorField(err)
		if col == "name" && in.Name == "" {
			return serviceRow{}, &RowError{Line: line, Column: "name", Message: fmt.Sprintf("new service %q needs a name", in.Code)}
		}
		return serviceRow{}, newRowError(line, col, err)
	}
	if fillName {
		in.Name = ""
	}
	return serviceRow{line: line, in: in}, nil
}

func checkComplements(row serviceRow, known map[string]bool) *RowError {
	seen := map[string]bool{}
	for _, cp := range row.in.Complements {
		if !known[cp.Of] {
			return &RowError{Line: row.line, Column: "complements", Message: fmt.Sprintf("no service with code %q", cp.Of)}
		}
		if seen[cp.Of] {
			return &RowError{Line: row.line, Column: "complements", Message: fmt.Sprintf("%q is named twice", cp.Of)}
		}
		seen[cp.Of] = true
	}
	return nil
}

// writeService creates or updates one service and keeps stored current.
func writeService(w *rowWriter, in ServiceInput, stored map[string]*serviceState) (bool, error) {
	kw := strings.Join(in.Keywords, " ")
	cur := stored[in.Code]
	if cur == nil {
		st := &serviceState{name: in.Name, pitch: in.Pitch, keywords: kw}
		if err := w.stmt(ssInsert).QueryRowContext(w.wctx, in.Code, in.Name, in.Pitch, kw).Scan(&st.id); err != nil {
			return false, internal(err, "saving service")
		}
		stored[in.Code] = st
		return true, nil
	}
	next := serviceState{id: cur.id, name: keepIfEmpty(in.Name, cur.name), pitch: keepIfEmpty(in.Pitch, cur.pitch),
		keywords: keepIfEmpty(kw, cur.keywords)}
	if next != *cur {
		if _, err := w.stmt(ssUpdate).ExecContext(w.wctx, next.name, next.pitch, next.keywords, next.id); err != nil {
			return false, internal(err, "saving service")
		}
		*cur = next
	}
	return false, nil
}

// sortRowErrors orders errors by line.
func sortRowErrors(errs []*RowError) []*RowError {
	slices.SortStableFunc(errs, func(a, b *RowError) int { return cmp.Compare(a.Line, b.Line) })
	return errs
}
