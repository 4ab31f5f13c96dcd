//go:build unix

// Package threadlink connects Go to a C thread (a pthread, outside Go's
// scheduler) with two pipes: one to the thread, on which Go sends requests
// or, by closing it, tells the thread to stop; and one from it, on which
// the thread answers and which it closes as it stops. Go's ends go through
// the network poller, so a goroutine waiting on the thread is parked and
// holds no processor; the thread's ends block.
package threadlink

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// Link is the two pipes. Once the thread is started it owns ThreadIn and
// ThreadOut, and must close them as it stops.
type Link struct {
	// ToThread is Go's end of the pipe to the thread; FromThread its end of
	// the pipe from the thread.
	ToThread, FromThread *os.File
	// ThreadIn and ThreadOut are the thread's ends, blocking descriptors.
	ThreadIn, ThreadOut int

	stopped bool
}

// New makes the pipes; name names Go's ends in errors.
func New(name string) (*Link, error) {
	to, err := pipe()
	if err != nil {
		return nil, err
	}
	from, err := pipe()
	if err != nil {
		closeAll(to[0], to[1])
		return nil, err
	}
	for _, end := range []int{to[1], from[0]} {
		if err := syscall.SetNonblock(end, true); err != nil {
			closeAll(to[0], to[1], from[0], from[1])
			return nil, err
		}
	}
	return &Link{
		ToThread:   os.NewFile(uintptr(to[1]), name+" (to its thread)"),
		FromThread: os.NewFile(uintptr(from[0]), name+" (from its thread)"),
		ThreadIn:   to[0],
		ThreadOut:  from[1],
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

// Abandon closes all four ends, for when the thread could not be started.
func (l *Link) Abandon() {
	l.ToThread.Close()
	l.FromThread.Close()
	closeAll(l.ThreadIn, l.ThreadOut)
}

// Stop closes the pipe to the thread and returns once the thread has
// closed the one from it, that is once it has stopped. Stopping again does
// nothing. Stop and Stopped are not safe for concurrent use: the thread's
// owner calls them under its own lock.
func (l *Link) Stop() error {
	if l.stopped {
		return nil
	}
	l.stopped = true
	err := l.ToThread.Close()
	_, waitErr := io.Copy(io.Discard, l.FromThread)
	return errors.Join(err, waitErr, l.FromThread.Close())
}

// Stopped says whether Stop has been called.
func (l *Link) Stopped() bool { return l.stopped }
