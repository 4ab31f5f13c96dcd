//go:build unix

package checkpointthread

/*
#include <stdlib.h>
#include "checkpointthread.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Thread checkpoints one database on a thread of its own. Its methods may
// be called from several goroutines.
type Thread struct {
	c *C.checkpointthread

	mu     sync.Mutex
	pauses int
	// runs and failed are the counts once the thread has stopped.
	runs, failed int64
	// stop is the pipe whose closing stops the thread (nil once closed);
	// done reaches end of file once the thread has stopped.
	stop, done *os.File
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
	stop, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("starting the checkpoint thread: %w", err)
	}
	done, err := pipe()
	if err != nil {
		closeAll(stop[0], stop[1])
		return nil, fmt.Errorf("starting the checkpoint thread: %w", err)
	}
	if err := syscall.SetNonblock(done[0], true); err != nil {
		closeAll(stop[0], stop[1], done[0], done[1])
		return nil, fmt.Errorf("starting the checkpoint thread: %w", err)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var msg [256]C.char
	var c *C.checkpointthread
	if rc := C.checkpointthread_start(cpath, C.int(ms), C.int(stop[0]), C.int(done[1]), &c, &msg[0], C.int(len(msg))); rc != 0 {
		closeAll(stop[0], stop[1], done[0], done[1])
		return nil, fmt.Errorf("starting the checkpoint thread for %s: %s", path, C.GoString(&msg[0]))
	}
	return &Thread{
		c:    c,
		stop: os.NewFile(uintptr(stop[1]), "checkpoint thread stop"),
		done: os.NewFile(uintptr(done[0]), "checkpoint thread done"),
	}, nil
}

// pipe makes a pipe whose ends are not inherited by child processes.
func pipe() ([2]int, error) {
	var p [2]int
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := syscall.Pipe(p[:]); err != nil {
		return p, err
	}
	syscall.CloseOnExec(p[0])
	syscall.CloseOnExec(p[1])
	return p, nil
}

func closeAll(fds ...int) {
	for _, fd := range fds {
		syscall.Close(fd)
	}
}

// Pause stops the checkpoints until as many Resumes as Pauses: a bulk
// import checkpoints on its own connection, in larger steps.
func (t *Thread) Pause() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pauses++
	if t.stop != nil {
		C.checkpointthread_pause(t.c, 1)
	}
}

// Resume undoes one Pause.
func (t *Thread) Resume() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pauses--
	if t.pauses == 0 && t.stop != nil {
		C.checkpointthread_pause(t.c, 0)
	}
}

// Passes reports how many checkpoints have run, and how many of those did
// not complete: busy, or failed (they are retried at the next interval).
func (t *Thread) Passes() (runs, failed int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return t.runs, t.failed
	}
	var r, f C.longlong
	C.checkpointthread_passes(t.c, &r, &f)
	return int64(r), int64(f)
}

// Close stops the thread and returns once it has closed its connection.
// Closing again does nothing.
func (t *Thread) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stop == nil {
		return nil
	}
	err := t.stop.Close()
	t.stop = nil
	_, waitErr := io.Copy(io.Discard, t.done)
	var r, f C.longlong
	C.checkpointthread_passes(t.c, &r, &f)
	t.runs, t.failed = int64(r), int64(f)
	C.checkpointthread_free(t.c)
	t.c = nil
	return errors.Join(err, waitErr, t.done.Close())
}
