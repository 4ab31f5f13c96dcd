package crm

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"
)

func (in *GoalInput) validate() error {
	in.Title = cleanName(in.Title)
	if in.Title == "" {
		return Errorf(CodeInvalid, "title", "a goal needs a title")
	}
	if len(in.Title) > 200 {
		return Errorf(CodeInvalid, "title", "the title is longer than 200 characters")
	}
	m, err := ParseMetric("metric", string(in.Metric))
	if err != nil {
		return err
	}
	in.Metric = m
	if math.IsNaN(in.Target) || math.IsInf(in.Target, 0) || in.Target <= 0 {
		return Errorf(CodeInvalid, "target", "the target must be a number above zero")
	}
	if m == MetricRecognitionRate && in.Target > 100 {
		return Errorf(CodeInvalid, "target", "a percentage can't be above 100")
	}
	if in.PeriodStart.IsZero() {
		return Errorf(CodeInvalid, "period_start", "a goal needs a first day")
	}
	if in.PeriodEnd.IsZero() {
		return Errorf(CodeInvalid, "period_end", "a goal needs a last day")
	}
	in.PeriodStart, in.PeriodEnd = dateOf(in.PeriodStart), dateOf(in.PeriodEnd)
	if in.PeriodEnd.Before(in.PeriodStart) {
		return Errorf(CodeInvalid, "period_end", "the last day is before the first")
	}
	return nil
}

// SaveGoal adds a goal (ID 0) or replaces goal ID.
func (s *Store) SaveGoal(ctx context.Context, in GoalInput) (Goal, error) {
	if err := in.validate(); err != nil {
		return Goal{}, err
	}
	now := s.now().UnixMilli()
	id := in.ID
	err := s.inTx(ctx, func(tx *txn) error {
		if id == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO goals (title, metric, target, period_start, period_end, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Title, in.Metric, in.Target,
				formatDate(in.PeriodStart), formatDate(in.PeriodEnd), now, now).Scan(&id)
			if err != nil {
				return internal(err, "saving goal")
			}
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE goals SET title = ?, metric = ?, target = ?, period_start = ?, period_end = ?,
			updated_at = ? WHERE id = ?`, in.Title, in.Metric, in.Target, formatDate(in.PeriodStart), formatDate(in.PeriodEnd), now, id)
		if err != nil {
			return internal(err, "saving goal")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "goal", "no goal with id %d", id)
		}
		return nil
	})
	if err != nil {
		return Goal{}, err
	}
	goals, err := s.goals(ctx, id)
	if err != nil {
		return Goal{}, err
	}
	return goals[0], nil
}

// DeleteGoal removes a goal; CodeNotFound if there is none.
func (s *Store) DeleteGoal(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM goals WHERE id = ?`, id)
		if err != nil {
			return internal(err, "deleting goal")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(CodeNotFound, "goal", "no goal with id %d", id)
		}
		return nil
	})
}

// Goals lists every goal, latest period first.
func (s *Store) Goals(ctx context.Context) ([]Goal, error) { return s.goals(ctx, 0) }

// goals lists every goal, or only goal id.
func (s *Store) goals(ctx context.Context, id int64) ([]Goal, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, title, metric, target, period_start, period_end, created_at, updated_at
		FROM goals WHERE ?1 = 0 OR id = ?1 ORDER BY period_end DESC, period_start DESC, title, id`, id)
	if err != nil {
		return nil, internal(err, "reading goals")
	}
	defer rows.Close()
	out := []Goal{}
	for rows.Next() {
		var g Goal
		var start, end sql.NullString
		var created, updated sql.NullInt64
		if err := rows.Scan(&g.ID, &g.Title, &g.Metric, &g.Target, &start, &end, &created, &updated); err != nil {
			return nil, internal(err, "reading goals")
		}
		g.PeriodStart, g.PeriodEnd = scanDate(start), scanDate(end)
		g.CreatedAt, g.UpdatedAt = millis(created), millis(updated)
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading goals")
	}
	if id != 0 && len(out) == 0 {
		return nil, Errorf(CodeNotFound, "goal", "no goal with id %d", id)
	}
	return out, nil
}

// GoalProgress computes where every goal stands at now: its metric over
// its period, with the period's days read in now's location. Goals that
// share a period share one computation.
func (s *Store) GoalProgress(ctx context.Context, now time.Time) ([]GoalProgress, error) {
	goals, err := s.Goals(ctx)
	if err != nil {
		return nil, err
	}
	loc := now.Location()
	figures := map[[2]string]totals{}
	out := make([]GoalProgress, 0, len(goals))
	for _, g := range goals {
		y, m, d := g.PeriodStart.Date()
		start := time.Date(y, m, d, 0, 0, 0, 0, loc)
		y, m, d = g.PeriodEnd.Date()
		p, err := periodOf(start, time.Date(y, m, d, 0, 0, 0, 0, loc))
		if err != nil {
			return nil, err
		}
		k := [2]string{formatDate(g.PeriodStart), formatDate(g.PeriodEnd)}
		t, ok := figures[k]
		if !ok {
			if t, err = s.periodTotals(ctx, p); err != nil {
				return nil, err
			}
			figures[k] = t
		}
		gp := GoalProgress{Goal: g, Current: t.metric(g.Metric)}
		gp.Share = gp.Current / g.Target
		switch {
		case !now.After(p.lo):
			gp.Elapsed = 0
		case !now.Before(p.hi):
			gp.Elapsed = 1
		default:
			gp.Elapsed = float64(now.Sub(p.lo)) / float64(p.hi.Sub(p.lo))
		}
		gp.Active = !now.Before(p.lo) && now.Before(p.hi)
		if g.Metric.Rate() {
			gp.OnTrack = gp.Current >= g.Target
		} else {
			gp.OnTrack = gp.Share >= gp.Elapsed
		}
		out = append(out, gp)
	}
	return out, nil
}

// metric picks one metric out of a period's totals.
func (t totals) metric(m Metric) float64 {
	switch m {
	case MetricNewRecurringRevenue:
		return float64(t.leadValue) / 100
	case MetricLeadsWon:
		return float64(t.leadsWon)
	case MetricRecognitionRate:
		return t.recognitionRate()
	case MetricHintsMentioned:
		return float64(t.funnel.Mentioned)
	case MetricHintsInterested:
		return float64(t.funnel.Interested)
	case MetricCallbacksDone:
		return float64(t.callbacksDone)
	case MetricCareCalls:
		return float64(t.careCalls)
	}
	return 0
}

// SaveRoleContribution sets what a role contributes to the goals; empty
// text removes it.
func (s *Store) SaveRoleContribution(ctx context.Context, role Role, text string) error {
	r, err := ParseRole("role", string(role))
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if len(text) > maxNote {
		return Errorf(CodeInvalid, "text", "the text is longer than %d characters", maxNote)
	}
	return s.inTx(ctx, func(tx *txn) error {
		var err error
		if text == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM role_contributions WHERE role = ?`, r)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO role_contributions (role, text, updated_at) VALUES (?, ?, ?)
				ON CONFLICT (role) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
				r, text, s.now().UnixMilli())
		}
		if err != nil {
			return internal(err, "saving role contribution")
		}
		return nil
	})
}

// RoleContributions lists what each role contributes, in the order of
// Roles; roles without text are left out.
func (s *Store) RoleContributions(ctx context.Context) ([]RoleContribution, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT role, text, updated_at FROM role_contributions`)
	if err != nil {
		return nil, internal(err, "reading role contributions")
	}
	defer rows.Close()
	byRole := map[Role]RoleContribution{}
	for rows.Next() {
		var rc RoleContribution
		var at int64
		if err := rows.Scan(&rc.Role, &rc.Text, &at); err != nil {
			return nil, internal(err, "reading role contributions")
		}
		rc.UpdatedAt = time.UnixMilli(at).UTC()
		byRole[rc.Role] = rc
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "reading role contributions")
	}
	out := []RoleContribution{}
	for _, r := range Roles {
		if rc, ok := byRole[r]; ok {
			out = append(out, rc)
		}
	}
	return out, nil
}
