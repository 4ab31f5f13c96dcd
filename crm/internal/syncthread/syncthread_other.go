//go:build !unix

package syncthread

import "os"

// Thread flushes one file. Without POSIX threads it flushes on the
// calling goroutine.
type Thread struct{ f *os.File }

// Start returns a Thread that flushes f.
func Start(f *os.File) (*Thread, error) { return &Thread{f: f}, nil }

// Sync returns once the file is flushed to disk.
func (t *Thread) Sync() error { return t.f.Sync() }

// Close does nothing: there is no thread to stop.
func (t *Thread) Close() error { return nil }
