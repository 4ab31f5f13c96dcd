package crm

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// maxCallEventBatch bounds how many call events share one commit, so that
// one transaction never holds the writer for long.
const maxCallEventBatch = 64

// liveIDSkip is how far live-event ids jump ahead when a store commits its
// first call event. Events are published before they are flushed to disk
// (see RecordAndPublishCallEvent), so a power cut can lose events screens
// have seen; after the restart, new events must not reuse their ids, or a
// screen resuming from one of them would skip the new event. Far fewer
// events than this are ever written and not yet flushed.
const liveIDSkip = 100_000

// callEventCommitter commits call events in groups. Every event must be on
// disk before its webhook is acknowledged, and the flush is most of what a
// commit costs, so one writer committing and flushing events one by one
// tops out at about a thousand a second. Events that arrive while a commit
// is under way wait for it and are then committed together, each in a
// savepoint of its own. Under light load a group is a single event and
// nothing waits.
//
// The event at the head of the queue leads: it commits the queue's first
// maxCallEventBatch events and publishes them, hands the writer to the new
// head of the queue, which leads the next group, and only then waits for
// the flush of its group (walFlusher), so the next group is written while
// this one is flushed. No goroutine runs in the background, and each
// waiting event is woken once, when it leads or when it is done: waking
// every waiter at each step kept a two-core machine busy scheduling
// goroutines that went straight back to sleep.
type callEventCommitter struct {
	mu    sync.Mutex
	queue []*callEventJob
	// skipped is set once this store has moved the live-event ids on.
	skipped bool
}

// CallEventTimes is how one call event went through the single writer: the
// stages a webhook waits on between its arrival and its answer, besides
// recognising the caller.
type CallEventTimes struct {
	// Recognised is from the event reaching the store to its joining the
	// writer's queue: checking it and recognising its numbers.
	Recognised time.Duration
	// Waited is from the event joining the queue to its group's commit
	// starting: the writer was busy with the groups before it.
	Waited time.Duration
	// Committed is its group's transaction, from BEGIN to COMMIT returning;
	// screens are told of the event when it ends.
	Committed time.Duration
	// Flushed is its group's flush to disk, which the webhook's answer
	// waits for; 0 when commits are not flushed (synchronous normal).
	Flushed time.Duration
	// Group is how many events were committed together.
	Group int
	// ExternalID is the call's id at the telephone system and Arrived the
	// moment the event reached the store, so that an observer can follow
	// one event from its webhook to the screens (callcard bench does).
	ExternalID string
	Arrived    time.Time
}

// callEventJob is one event waiting for its commit.
type callEventJob struct {
	in      CallEventInput
	parties parsedParties
	now     time.Time
	publish func(LiveEvent) // nil: nobody to tell

	// wake is signalled once: when the job reaches the head of the queue,
	// or when the group it was committed in is done.
	wake chan struct{}
	done bool // committed and flushed, or failed
	res  CallEventResult
	err  error
	// arrived is when the event reached the store, queued when it joined
	// the queue.
	arrived, queued time.Time
	times           CallEventTimes
}

// commit returns once job is committed and on disk (or has failed), leading
// a group commit if job reaches the head of the queue first. Once queued,
// an event is committed even if its caller has gone (a repeated delivery
// then finds it as a duplicate): a group's commit must not depend on one
// caller.
func (c *callEventCommitter) commit(ctx context.Context, s *Store, job *callEventJob) (CallEventResult, error) {
	job.wake = make(chan struct{}, 1)
	job.queued = time.Now()
	c.mu.Lock()
	c.queue = append(c.queue, job)
	leads := c.queue[0] == job
	c.mu.Unlock()
	if !leads {
		<-job.wake
	}
	c.mu.Lock()
	if job.done {
		c.mu.Unlock()
		return s.observed(job)
	}
	group := c.queue[:min(len(c.queue), maxCallEventBatch)]
	skip := !c.skipped
	c.mu.Unlock()

	started := time.Now()
	written, err := s.commitCallEvents(context.WithoutCancel(ctx), group, skip)
	committed := time.Now()
	if err == nil {
		for _, j := range group {
			if j.err == nil && !j.res.Duplicate && j.publish != nil {
				j.publish(j.res.Live)
			}
		}
	}

	c.mu.Lock()
	c.skipped = c.skipped || (skip && err == nil)
	c.queue = c.queue[len(group):]
	if len(c.queue) > 0 {
		c.queue[0].wake <- struct{}{}
	}
	c.mu.Unlock()

	if err == nil {
		// The screens' goroutines, just woken by publish, wait in this
		// goroutine's run queue; the flush below blocks in fdatasync
		// holding its processor until the runtime hands the processor on
		// (after 20 µs or more). Yielding first lets them write to their
		// screens now: commit to screen p50 0.09–0.14 ms against
		// 0.14–0.19 ms in nine alternating `callcard bench --contacts
		// 100000 --duration 10s` runs.
		runtime.Gosched()
		if ferr := s.flusher.flush(written); ferr != nil {
			for _, j := range group {
				j.res, j.err = CallEventResult{}, internal(ferr, "saving the event")
			}
		}
	}

	flushed := time.Now()
	if s.flusher.sync == nil {
		flushed = committed
	}
	c.mu.Lock()
	for _, j := range group {
		j.done = true
		j.times = CallEventTimes{Recognised: j.queued.Sub(j.arrived), Waited: started.Sub(j.queued),
			Committed: committed.Sub(started), Flushed: flushed.Sub(committed), Group: len(group),
			ExternalID: j.in.ExternalID, Arrived: j.arrived}
		if j != job {
			j.wake <- struct{}{}
		}
	}
	c.mu.Unlock()
	return s.observed(job)
}

// observed tells Config.ObserveCallEvent how a stored event went, and
// returns the job's result.
func (s *Store) observed(job *callEventJob) (CallEventResult, error) {
	if job.err == nil && s.observeCallEvent != nil {
		s.observeCallEvent(job.times)
	}
	return job.res, job.err
}

// commitCallEvents writes a group of events in one transaction, each in a
// savepoint so that one that fails leaves the others in, and sets every
// job's result. It returns the commit's number for walFlusher.flush; if the
// commit itself fails, every job fails and so does the call. skip moves the
// live-event ids on by liveIDSkip first.
func (s *Store) commitCallEvents(ctx context.Context, group []*callEventJob, skip bool) (uint64, error) {
	fail := func(err error) (uint64, error) {
		for _, j := range group {
			j.res, j.err = CallEventResult{}, err
		}
		return 0, err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(internal(err, "starting transaction"))
	}
	defer tx.Rollback()
	tx.callEvents = true
	if skip {
		if _, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = seq + ? WHERE name = 'call_events'`, liveIDSkip); err != nil {
			return fail(internal(err, "moving live-event ids on"))
		}
	}
	for _, j := range group {
		if len(group) == 1 {
			// Alone: the transaction is its savepoint.
			if j.res, j.err = s.writeCallEvent(ctx, tx, j.in, j.parties, j.now); j.err != nil {
				return 0, j.err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT call_event`); err != nil {
			return fail(internal(err, "starting savepoint"))
		}
		j.res, j.err = s.writeCallEvent(ctx, tx, j.in, j.parties, j.now)
		if j.err != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO call_event`); err != nil {
				return fail(internal(err, "undoing a failed event"))
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE call_event`); err != nil {
			return fail(internal(err, "releasing savepoint"))
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(internal(err, "committing"))
	}
	return tx.written, nil
}
