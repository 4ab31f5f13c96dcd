package crm

import (
	"strings"
	"time"

	"github.com/callcard/callcard/crm/internal/checkpointthread"
)

// checkpointEvery is how often the checkpoint thread copies committed WAL
// pages into the database file.
const checkpointEvery = 200 * time.Millisecond

// writerAutoCheckpoint is the WAL size, in pages, at which the writer would
// checkpoint by itself: only a safety net for when the checkpointer cannot
// keep up, at ten times SQLite's default.
const writerAutoCheckpoint = 10000

// startCheckpoints moves WAL checkpoints off the commit path. SQLite's
// default makes the committing connection copy the WAL into the database
// and flush both every 1,000 pages; at a few hundred webhooks a second that
// lands on about one commit in a hundred and is the p99 of webhook latency.
// Here a connection of its own runs a passive checkpoint a few times a
// second, which never blocks the writer or a reader.
//
// It runs on a thread outside Go's scheduler (checkpointthread): a
// checkpoint flushes the WAL and the database file to disk, and a goroutine
// doing so in a cgo call would hold one of the scheduler's processors for
// the milliseconds the disk takes, as the WAL's own flush did
// (crm/internal/syncthread).
func startCheckpoints(path string) (*checkpointthread.Thread, error) {
	if strings.HasPrefix(path, "file:") {
		// A plain file name, never an SQLite URI, as go-sqlite3 is given.
		path = "./" + path
	}
	return checkpointthread.Start(path, checkpointEvery)
}
