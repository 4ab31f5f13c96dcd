package crm

import (
	"context"
	"sync"
	"time"
)

// maxCallEventBatch bounds how many call events share one commit, so that
// one transaction never holds the writer for long.
const maxCallEventBatch = 64

// callEventCommitter commits call events in groups. Every event must be on
// disk before its webhook is acknowledged, and with synchronous=FULL the
// flush is most of what a commit costs, so one writer committing events one
// by one tops out at about a thousand a second. Events that arrive while a
// commit is under way wait for it and are then committed together, each in
// a savepoint of its own, with one flush. Under light load a group is a
// single event and nothing waits.
//
// The event at the head of the queue leads: it commits the queue's first
// maxCallEventBatch events, marks them done and wakes the rest, of which the
// new head leads the next group. No goroutine runs in the background.
type callEventCommitter struct {
	mu      sync.Mutex
	changed sync.Cond // signalled when the queue's head or a job's state changes
	queue   []*callEventJob
}

// callEventJob is one event waiting for its commit.
type callEventJob struct {
	in      CallEventInput
	parties parsedParties
	now     time.Time

	done bool
	res  CallEventResult
	err  error
}

// commit returns once job is committed (or has failed), leading a group
// commit if job reaches the head of the queue first. Once queued, an event
// is committed even if its caller has gone (a repeated delivery then finds
// it as a duplicate): a group's commit must not depend on one caller.
func (c *callEventCommitter) commit(ctx context.Context, s *Store, job *callEventJob) (CallEventResult, error) {
	c.mu.Lock()
	c.queue = append(c.queue, job)
	for !job.done && c.queue[0] != job {
		c.changed.Wait()
	}
	if job.done {
		c.mu.Unlock()
		return job.res, job.err
	}
	group := c.queue[:min(len(c.queue), maxCallEventBatch)]
	c.mu.Unlock()

	s.commitCallEvents(context.WithoutCancel(ctx), group)

	c.mu.Lock()
	for _, j := range group {
		j.done = true
	}
	c.queue = c.queue[len(group):]
	c.changed.Broadcast()
	c.mu.Unlock()
	return job.res, job.err
}

// commitCallEvents writes a group of events in one transaction, each in a
// savepoint so that one that fails leaves the others in, and sets every
// job's result. If the commit itself fails, every job fails.
func (s *Store) commitCallEvents(ctx context.Context, group []*callEventJob) {
	fail := func(err error) {
		for _, j := range group {
			j.res, j.err = CallEventResult{}, err
		}
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		fail(internal(err, "starting transaction"))
		return
	}
	defer tx.Rollback()
	tx.leavesRegister = true
	for _, j := range group {
		if len(group) == 1 {
			// Alone: the transaction is its savepoint.
			if j.res, j.err = s.writeCallEvent(ctx, tx, j.in, j.parties, j.now); j.err != nil {
				return
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT call_event`); err != nil {
			fail(internal(err, "starting savepoint"))
			return
		}
		j.res, j.err = s.writeCallEvent(ctx, tx, j.in, j.parties, j.now)
		if j.err != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO call_event`); err != nil {
				fail(internal(err, "undoing a failed event"))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE call_event`); err != nil {
			fail(internal(err, "releasing savepoint"))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		fail(internal(err, "committing"))
	}
}
