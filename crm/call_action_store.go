package crm

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// TakeCall records that an employee answers a ringing call ("I'll take
// it"), so that every other screen can show who did. The first to take it
// wins; a second attempt is CodeConflict naming who has it.
func (s *Store) TakeCall(ctx context.Context, callID, employeeID int64) (LiveEvent, error) {
	return s.callAction(ctx, callID, employeeID, EventTaken, func(c *Call) error {
		if c.TakenByID != 0 && c.TakenByID != employeeID {
			return Errorf(CodeConflict, "call", "this call was already taken")
		}
		c.TakenByID = employeeID
		return nil
	})
}

// HandleCall marks a call as dealt with, which moves it off the live stack.
func (s *Store) HandleCall(ctx context.Context, callID, employeeID int64) (LiveEvent, error) {
	return s.callAction(ctx, callID, employeeID, EventHandled, func(c *Call) error {
		if c.HandledAt.IsZero() {
			c.HandledAt = s.now().UTC()
		}
		if c.TakenByID == 0 {
			c.TakenByID = employeeID
		}
		return nil
	})
}

// callAction applies a console action to a call and records it as a live
// event in the same transaction, so screens learn of it exactly once.
func (s *Store) callAction(ctx context.Context, callID, employeeID int64, ev CallEvent, apply func(*Call) error) (LiveEvent, error) {
	if employeeID == 0 {
		return LiveEvent{}, Errorf(CodeInvalid, "employee", "only someone in the staff register can take or handle a call")
	}
	var live LiveEvent
	err := s.inTx(ctx, func(tx *txn) error {
		c, err := scanCall(tx.QueryRowContext(ctx, `SELECT `+callColumns+` FROM calls WHERE id = ?`, callID))
		if err == sql.ErrNoRows {
			return Errorf(CodeNotFound, "call", "no call with id %d", callID)
		}
		if err != nil {
			return internal(err, "reading call")
		}
		if err := apply(&c); err != nil {
			return err
		}
		now := s.now()
		c.UpdatedAt = now
		if err := saveCall(ctx, tx, &c); err != nil {
			return err
		}
		secret, err := randomSecret()
		if err != nil {
			return err
		}
		var id int64
		// Console actions may repeat (take, release, take), so their dedup key
		// is unique per action rather than per call.
		if err := tx.QueryRowContext(ctx, `INSERT INTO call_events (call_id, dedup_key, event, occurred_at, received_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, c.ID, "console\x00"+strconv.FormatInt(c.ID, 10)+"\x00"+secret, ev,
			now.UnixMilli(), now.UnixMilli()).Scan(&id); err != nil {
			return internal(err, "saving call event")
		}
		names, err := namesOf(ctx, tx, c)
		if err != nil {
			return err
		}
		live = newLiveEvent(id, ev, c, names, now)
		return nil
	})
	return live, err
}

// CallSummary is a call with the names a list of calls shows.
type CallSummary struct {
	Call Call
	// Live carries the names (display name, taken by) as a live event would.
	Live LiveEvent
}

// TodaysCalls lists the calls since midnight (in loc), newest first, with
// their names, in one query: every screen reloads this list on every live
// event, so it must not cost a query per call.
func (s *Store) TodaysCalls(ctx context.Context, loc *time.Location, limit int) ([]CallSummary, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	now := s.now().In(loc)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	rows, err := s.read.QueryContext(ctx, todaysCallsQuery, midnight.UnixMilli(), limit)
	if err != nil {
		return nil, internal(err, "listing today's calls")
	}
	defer rows.Close()
	var out []CallSummary
	for rows.Next() {
		var n callNames
		c, err := scanCall(rowScanner(func(dest ...any) error {
			return rows.Scan(append(dest, n.dest()...)...)
		}))
		if err != nil {
			return nil, internal(err, "listing today's calls")
		}
		out = append(out, CallSummary{Call: c, Live: newLiveEvent(0, "", c, n, c.UpdatedAt)})
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err, "listing today's calls")
	}
	return out, nil
}

// Summarise is the live-event view of a stored call (names, status).
func (s *Store) Summarise(ctx context.Context, c Call) (LiveEvent, error) {
	n, err := namesOf(ctx, s.read, c)
	if err != nil {
		return LiveEvent{}, err
	}
	return newLiveEvent(0, "", c, n, c.UpdatedAt), nil
}
