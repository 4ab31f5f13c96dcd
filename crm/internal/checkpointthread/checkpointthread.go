//go:build unix

package checkpointthread

/*
#include <stdlib.h>
#include "checkpointthread.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"time"
	"unsafe"

	"github.com/callcard/callcard/crm/internal/threadlink"
)

// Thread checkpoints one database on a thread of its own. Its methods may
// be called from several goroutines.
type Thread struct {
	mu     sync.Mutex
	c      *C.checkpointthread
	pauses int
	// link is closed to stop the thread.
	link *threadlink.Link
	// runs and failed are the counts once the thread has stopped.
	runs, failed int64
}

// Start opens the database at path with a connection of its own and
// checkpoints its write-ahead log every interval, passively: a checkpoint
// never waits for, or holds up, a reader or the writer. SQLite must
// already be set up (the store's Open has done so).
func Start(path string, every time.Duration) (*Thread, error) {
	ms := every.Milliseconds()
	if ms < 1 || ms > 1<<30 {
		return nil, fmt.Errorf("checkpoints every %v: the interval must be 1 ms or more", every)
	}
	link, err := threadlink.New("checkpoints of " + path)
	if err != nil {
		return nil, fmt.Errorf("starting the checkpoint thread for %s: %w", path, err)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var msg [256]C.char
	var c *C.checkpointthread
	if rc := C.checkpointthread_start(cpath, C.int(ms), C.int(link.ThreadIn), C.int(link.ThreadOut), &c, &msg[0], C.int(len(msg))); rc != 0 {
		link.Abandon()
		return nil, fmt.Errorf("starting the checkpoint thread for %s: %s", path, C.GoString(&msg[0]))
	}
	return &Thread{c: c, link: link}, nil
}

// Pause stops the checkpoints until as many Resumes as Pauses: a bulk
// import checkpoints on its own connection, in larger steps. It waits for
// a checkpoint under way to end.
func (t *Thread) Pause() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pauses++
	if !t.link.Stopped() {
		C.checkpointthread_pause(t.c, 1)
	}
}

// Resume undoes one Pause.
func (t *Thread) Resume() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pauses--
	if t.pauses == 0 && !t.link.Stopped() {
		C.checkpointthread_pause(t.c, 0)
	}
}

// Passes reports how many checkpoints have run, and how many of those did
// not complete: busy, or failed (they are retried at the next interval).
func (t *Thread) Passes() (runs, failed int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.link.Stopped() {
		return t.runs, t.failed
	}
	return t.passesLocked()
}

func (t *Thread) passesLocked() (runs, failed int64) {
	var r, f C.longlong
	C.checkpointthread_passes(t.c, &r, &f)
	return int64(r), int64(f)
}

// Close stops the thread and returns once it has closed its connection.
// Closing again does nothing.
func (t *Thread) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.link.Stopped() {
		return nil
	}
	err := t.link.Stop()
	t.runs, t.failed = t.passesLocked()
	C.checkpointthread_free(t.c)
	t.c = nil
	return err
}
