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

	"github.com/callcard/callcard/crm/internal/threadlink"
)

// errClosed is what Sync returns after Close.
var errClosed = errors.New("the flush thread is stopped")

// Thread flushes one file on a thread of its own. Its methods may be
// called from several goroutines; flushes run one at a time.
type Thread struct {
	name string
	mu   sync.Mutex
	// link carries requests to the thread and its answers.
	link *threadlink.Link
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
	link, err := threadlink.New("flushes of " + f.Name())
	if err != nil {
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), err)
	}
	if rc := C.syncthread_start(C.int(fd), C.int(link.ThreadIn), C.int(link.ThreadOut)); rc != 0 {
		link.Abandon()
		return nil, fmt.Errorf("starting the flush thread for %s: %w", f.Name(), syscall.Errno(rc))
	}
	return &Thread{name: f.Name(), link: link}, nil
}

// Sync returns once the file is flushed to disk, as os.File.Sync does; the
// goroutine holds no P while it waits.
func (t *Thread) Sync() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.link.Stopped() {
		return fmt.Errorf("flushing %s: %w", t.name, errClosed)
	}
	if _, err := t.link.ToThread.Write([]byte{1}); err != nil {
		return fmt.Errorf("asking the flush thread to flush %s: %w", t.name, err)
	}
	var outcome [4]byte // an int32_t errno value
	if _, err := io.ReadFull(t.link.FromThread, outcome[:]); err != nil {
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
	return t.link.Stop()
}
