package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// maxDashboardDays bounds a dashboard's period.
const maxDashboardDays = 731

// period is a half-open range of instants [lo, hi) covering whole days.
type period struct{ lo, hi time.Time }

// periodOf reads from and to as calendar dates in from's location, both
// included.
func periodOf(from, to time.Time) (period, error) {
	if from.IsZero() || to.IsZero() {
		return period{}, Errorf(CodeInvalid, "from", "a period needs a first and a last day")
	}
	loc := from.Location()
	y, m, d := from.Date()
	lo := time.Date(y, m, d, 0, 0, 0, 0, loc)
	y, m, d = to.In(loc).Date()
	hi := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	if !hi.After(lo) {
		return period{}, Errorf(CodeInvalid, "to", "the last day is before the first")
	}
	return period{lo, hi}, nil
}

// days lists the midnights of every day in p.
func (p period) days() []time.Time {
	var out []time.Time
	for d := p.lo; d.Before(p.hi); {
		out = append(out, d)
		y, m, day := d.Date()
		d = time.Date(y, m, day+1, 0, 0, 0, 0, d.Location())
	}
	return out
}

// Dashboard computes the commercial figures for the days from through to
// (see DashboardFigures): three aggregate queries, each one pass over the
// period's rows through an index.
func (s *Store) Dashboard(ctx context.Context, from, to time.Time) (DashboardFigures, error) {
	p, err := periodOf(from, to)
	if err != nil {
		return DashboardFigures{}, err
	}
	days := p.days()
	if len(days) > maxDashboardDays {
		return DashboardFigures{}, Errorf(CodeInvalid, "to", "a dashboard covers at most %d days", maxDashboardDays)
	}
	out := DashboardFigures{From: days[0], To: days[len(days)-1]}
	if out.CallsPerDay, err = s.callsPerDay(ctx, days, p.hi); err != nil {
		return DashboardFigures{}, err
	}
	t, err := s.periodTotals(ctx, p)
	if err != nil {
		return DashboardFigures{}, err
	}
	out.Calls, out.Recognised, out.Unknown, out.Withheld = t.calls, t.recognised, t.unknown, t.withheld
	out.RecognitionRate = t.recognitionRate()
	out.Funnel = t.funnel
	out.LeadsWon, out.LeadRevenue = t.leadsWon, t.leadValue
	out.CallbacksDone, out.CareCalls = t.callbacksDone, t.careCalls
	if out.Employees, err = s.employeeFigures(ctx, p, 0); err != nil {
		return DashboardFigures{}, err
	}
	return out, nil
}

// callsPerDay counts calls per day. The day bounds are worked out here, so
// that a day is a calendar day in the period's location even across a
// daylight-saving change, and passed as one JSON array.
func (s *Store) callsPerDay(ctx context.Context, days []time.Time, end time.Time) ([]DayCount, error) {
	bounds := make([][2]int64, len(days))
	for i, d := range days {
		next := end
		if i+1 < len(days) {
			next = days[i+1]
		}
		bounds[i] = [2]int64{d.UnixMilli(), next.UnixMilli()}
	}
	arg, err := json.Marshal(bounds)
	if err != nil {
		return nil, internal(err, "counting calls per day")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.key,
		(SELECT count(*) FROM calls WHERE created_at >= d.value ->> 0 AND created_at < d.value ->> 1)
		FROM json_each(?) d ORDER BY d.key`, string(arg))
	if err != nil {
		return nil, internal(err, "counting calls per day")
	}
	defer rows.Close()
	out := make([]DayCount, len(days))
	for i, d := range days {
		out[i].Date = d
	}
	for rows.Next() {
		var i, n int
		if err := rows.Scan(&i, &n); err != nil {
			return nil, internal(err, "counting calls per day")
		}
		if i >= 0 && i < len(out) {
			out[i].Calls = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "counting calls per day")
	}
	return out, nil
}

// totals are the firm-wide figures of a period.
type totals struct {
	calls, recognised, unknown, withheld int
	funnel                               HintFunnel
	leadsWon                             int
	leadValue                            Money
	callbacksDone, careCalls             int
}

func (t totals) recognitionRate() float64 {
	if n := t.recognised + t.unknown; n > 0 {
		return 100 * float64(t.recognised) / float64(n)
	}
	return 0
}

// recognisedMatches are the matches that count as a recognised caller.
const recognisedMatches = `('contact', 'organisation', 'employee', 'number_range', 'ambiguous')`

// hintOccasions groups the hint entries of [?1, ?2) into occasions (see
// HintFunnel) with their furthest stage: 0 shown, 1 mentioned, 2 declined,
// 3 interested. Per employee, an occasion is also split by who recorded it.
func hintOccasions(perEmployee bool) string {
	q := `SELECT author_id AS emp,
		max(CASE status WHEN 'mentioned' THEN 1 WHEN 'declined' THEN 2 WHEN 'interested' THEN 3 ELSE 0 END) AS stage
		FROM interactions WHERE kind = 'hint' AND occurred_at >= ?1 AND occurred_at < ?2
		GROUP BY organisation_id, service_id, CASE WHEN call_id = '' THEN 'i' || id ELSE call_id END`
	if perEmployee {
		q += `, author_id`
	}
	return q
}

// periodTotals computes every firm-wide figure of p in one statement.
func (s *Store) periodTotals(ctx context.Context, p period) (totals, error) {
	var t totals
	err := s.read.QueryRowContext(ctx, `WITH
		c AS (SELECT count(*) AS n, coalesce(sum(match IN `+recognisedMatches+`), 0) AS recognised,
			coalesce(sum(match = 'unknown'), 0) AS unknown, coalesce(sum(match = 'withheld'), 0) AS withheld
			FROM calls WHERE created_at >= ?1 AND created_at < ?2),
		occ AS (`+hintOccasions(false)+`),
		h AS (SELECT count(*) AS shown, coalesce(sum(stage >= 1), 0) AS mentioned, coalesce(sum(stage = 2), 0) AS declined,
			coalesce(sum(stage = 3), 0) AS interested FROM occ),
		l AS (SELECT count(*) AS won, coalesce(sum(l.value_cents), 0) AS value, coalesce(sum(h.id IS NOT NULL), 0) AS hint_won,
			coalesce(sum(CASE WHEN h.id IS NOT NULL THEN l.value_cents END), 0) AS hint_value
			FROM interactions l LEFT JOIN interactions h ON h.id = l.origin_id AND h.kind = 'hint'
			WHERE l.kind = 'lead' AND l.outcome = 'won' AND l.done_at >= ?1 AND l.done_at < ?2),
		cb AS (SELECT count(*) AS n FROM interactions WHERE kind = 'callback' AND done_at >= ?1 AND done_at < ?2),
		care AS (SELECT count(*) AS n FROM interactions WHERE kind = 'care' AND occurred_at >= ?1 AND occurred_at < ?2)
		SELECT c.n, c.recognised, c.unknown, c.withheld, h.shown, h.mentioned, h.declined, h.interested,
			l.won, l.value, l.hint_won, l.hint_value, cb.n, care.n
		FROM c, h, l, cb, care`, p.lo.UnixMilli(), p.hi.UnixMilli()).Scan(
		&t.calls, &t.recognised, &t.unknown, &t.withheld,
		&t.funnel.Shown, &t.funnel.Mentioned, &t.funnel.Declined, &t.funnel.Interested,
		&t.leadsWon, &t.leadValue, &t.funnel.Won, &t.funnel.WonValue, &t.callbacksDone, &t.careCalls)
	if err != nil {
		return totals{}, internal(err, "computing figures")
	}
	return t, nil
}

// employeeFigures computes each employee's figures over p in one
// statement; employeeID 0 means everyone who contributed something (a hint
// only shown, never mentioned, is no contribution).
func (s *Store) employeeFigures(ctx context.Context, p period, employeeID int64) ([]EmployeeFigures, error) {
	rows, err := s.read.QueryContext(ctx, `WITH occ AS (`+hintOccasions(true)+`),
		x(emp, mentioned, interested, hint_won, hint_value, won, value, callbacks, care) AS (
			SELECT emp, stage >= 1, stage = 3, 0, 0, 0, 0, 0, 0 FROM occ
			UNION ALL
			SELECT h.author_id, 0, 0, 1, l.value_cents, 0, 0, 0, 0
				FROM interactions l JOIN interactions h ON h.id = l.origin_id AND h.kind = 'hint'
				WHERE l.kind = 'lead' AND l.outcome = 'won' AND l.done_at >= ?1 AND l.done_at < ?2
			UNION ALL
			SELECT coalesce(done_by_id, assignee_id), 0, 0, 0, 0, 1, value_cents, 0, 0 FROM interactions
				WHERE kind = 'lead' AND outcome = 'won' AND done_at >= ?1 AND done_at < ?2
			UNION ALL
			SELECT coalesce(done_by_id, assignee_id), 0, 0, 0, 0, 0, 0, 1, 0 FROM interactions
				WHERE kind = 'callback' AND done_at >= ?1 AND done_at < ?2
			UNION ALL
			SELECT author_id, 0, 0, 0, 0, 0, 0, 0, 1 FROM interactions
				WHERE kind = 'care' AND occurred_at >= ?1 AND occurred_at < ?2)
		SELECT e.id, e.name, e.role, sum(mentioned), sum(interested), sum(hint_won), sum(hint_value),
			sum(won), sum(value), sum(callbacks), sum(care)
		FROM x JOIN employees e ON e.id = x.emp
		WHERE ?3 = 0 OR e.id = ?3
		GROUP BY e.id
		HAVING sum(mentioned) + sum(hint_won) + sum(won) + sum(callbacks) + sum(care) > 0
		ORDER BY e.name, e.id`, p.lo.UnixMilli(), p.hi.UnixMilli(), employeeID)
	if err != nil {
		return nil, internal(err, "computing employee figures")
	}
	defer rows.Close()
	out := []EmployeeFigures{}
	for rows.Next() {
		var f EmployeeFigures
		if err := rows.Scan(&f.EmployeeID, &f.Name, &f.Role, &f.HintsMentioned, &f.HintsInterested,
			&f.HintLeadsWon, &f.HintLeadValue, &f.LeadsWon, &f.LeadValue, &f.CallbacksDone, &f.CareCalls); err != nil {
			return nil, internal(err, "computing employee figures")
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "computing employee figures")
	}
	return out, nil
}

// MyFigures is one employee's part over the days from through to (read as
// in Dashboard): the hints they mentioned and the interest and won leads
// those brought, the leads they won, the callbacks they closed and the
// check-ins they made. CodeNotFound for an unknown employee.
func (s *Store) MyFigures(ctx context.Context, employeeID int64, from, to time.Time) (EmployeeFigures, error) {
	p, err := periodOf(from, to)
	if err != nil {
		return EmployeeFigures{}, err
	}
	f := EmployeeFigures{EmployeeID: employeeID}
	err = s.read.QueryRowContext(ctx, `SELECT name, role FROM employees WHERE id = ?`, employeeID).Scan(&f.Name, &f.Role)
	if errors.Is(err, sql.ErrNoRows) || employeeID == 0 {
		return EmployeeFigures{}, Errorf(CodeNotFound, "employee", "no employee with id %d", employeeID)
	}
	if err != nil {
		return EmployeeFigures{}, internal(err, "reading employee")
	}
	got, err := s.employeeFigures(ctx, p, employeeID)
	if err != nil {
		return EmployeeFigures{}, err
	}
	if len(got) == 1 {
		f = got[0]
	}
	return f, nil
}
