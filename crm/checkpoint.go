package crm

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often the checkpointer copies committed WAL pages
// into the database file.
const checkpointEvery = 200 * time.Millisecond

// writerAutoCheckpoint is the WAL size, in pages, at which the writer would
// checkpoint by itself: only a safety net for when the checkpointer cannot
// keep up, at ten times SQLite's default.
const writerAutoCheckpoint = 10000

// checkpointer moves WAL checkpoints off the commit path. SQLite's default
// makes the committing connection copy the WAL into the database and flush
// both every 1,000 pages; at a few hundred webhooks a second that lands on
// about one commit in a hundred and is the p99 of webhook latency. Here a
// connection of its own runs a passive checkpoint a few times a second,
// which never blocks the writer or a reader.
type checkpointer struct {
	db      *sql.DB
	stop    chan struct{}
	stopped sync.Once
	done    sync.WaitGroup
	// bulk counts running imports: they checkpoint on the writer in large
	// steps (see importPragmas), which is faster for them than sharing.
	bulk atomic.Int32
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.done.Go(c.run)
	return c
}

func (c *checkpointer) run() {
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
		}
		if c.bulk.Load() > 0 {
			continue
		}
		// A failed checkpoint is retried at the next tick; the writer's own
		// checkpoint keeps the WAL bounded meanwhile.
		var busy, logPages, done int
		_ = c.db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done)
	}
}

// close stops the checkpointer and closes its connection; closing again
// does nothing more.
func (c *checkpointer) close() error {
	c.stopped.Do(func() { close(c.stop) })
	c.done.Wait()
	return c.db.Close()
}
