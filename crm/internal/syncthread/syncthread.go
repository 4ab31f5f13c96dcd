//go:build unix

package syncthread

/*
#include "syncthread.h"
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// errClosed is what Sync returns after Close.
var errClosed = errors.New("the flush thread is stopped")

// Thread flushes one file on a thread of its own. Its methods may be
// called from several goroutines; flushes run one at a time.
type Thread struct {
	name string
	mu   sync.Mutex
	// requests is the pipe the thread reads requests from (nil once
	// closed) and outcomes the one it answers on; the goroutines wait on
	// both through the network poller.
	requests, outcomes *os.File
}

// Start starts a thread that flushes f. f must stay open until Close has
// returned: the thread uses its descriptor.
func Start(f *os.File) (*Thread, error) {
	raw, err := f.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), err)
	}
	var fd int
	if err := raw.Control(func(d uintptr) { fd = int(d) }); err != nil {
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), err)
	}
	requests, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), err)
	}
	outcomes, err := pipe()
	if err != nil {
		closeAll(requests[0], requests[1])
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), err)
	}
	// The thread blocks on its ends; ours go through the poller, which
	// needs them non-blocking.
	for _, end := range []int{requests[1], outcomes[0]} {
		if err := syscall.SetNonblock(end, true); err != nil {
			closeAll(requests[0], requests[1], outcomes[0], outcomes[1])
			return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), err)
		}
	}
	if rc := C.syncthread_start(C.int(fd), C.int(requests[0]), C.int(outcomes[1])); rc != 0 {
		closeAll(requests[0], requests[1], outcomes[0], outcomes[1])
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), syscall.Errno(rc))
	}
	return &Thread{
		name:     f.Name(),
		requests: os.NewFile(uintptr(requests[1]), "flush requests for "+f.Name()),
		outcomes: os.NewFile(uintptr(outcomes[0]), "flush outcomes for "+f.Name()),
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

// Sync returns once the file is flushed to disk, as os.File.Sync does; the
// goroutine holds no P while it waits.
func (t *Thread) Sync() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.requests == nil {
		return fmt.Errorf("flushing %s: %w", t.name, errClosed)
	}
	if _, err := t.requests.Write([]byte{1}); err != nil {
		return fmt.Errorf("asking the flush thread to flush %s: %w", t.name, err)
	}
	var outcome [4]byte // an int32_t errno value
	if _, err := io.ReadFull(t.outcomes, outcome[:]); err != nil {
		return fmt.Errorf("waiting for the flush thread to flush %s: %w", t.name, err)
	}
	if errno := int32(binary.NativeEndian.Uint32(outcome[:])); errno != 0 {
		return &os.PathError{Op: "fsync", Path: t.name, Err: syscall.Errno(errno)}
	}
	return nil
}

// Close stops the thread and returns once it has stopped, after which the
// file may be closed. Closing again does nothing.
func (t *Thread) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.requests == nil {
		return nil
	}
	err := t.requests.Close()
	t.requests = nil
	// The thread closes its end of outcomes as it stops.
	_, waitErr := io.Copy(io.Discard, t.outcomes)
	return errors.Join(err, waitErr, t.outcomes.Close())
}
