package crm

import (
	"strings"
	"time"

	"github.com/callcard/callcard/crm/internal/checkpointthread"
)

// checkpointEvery is how often the checkpoint thread copies committed WAL
// pages into the database file.
const checkpointEvery = 200 * time.Millisecond

// writerAutoCheckpoint is the WAL size, in pages, at which the writer
// checkpoints by itself, inside a commit, stopping every webhook behind it
// for 4–5 ms. The checkpoint thread keeps the WAL copied out, but under a
// steady stream of commits the WAL can only start over once the writer has
// checkpointed: at 1,000 calls/s (12.5 pages each) the WAL reached 10,000
// pages every 0.8 s, and those stops were most of the slowest 1% of
// webhooks. At 40,000 pages (about 160 MB of WAL file, kept at that size
// until the server stops) they come every 3.2 s: webhook → SSE p99 2.82,
// 3.67 and 3.96 ms against 4.23, 4.11 and 4.11 ms at 10,000 in alternation
// (docs/performance.md). Under an ordinary load the WAL starts over long
// before, whenever a checkpoint finds no commit under way.
const writerAutoCheckpoint = 40000

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
