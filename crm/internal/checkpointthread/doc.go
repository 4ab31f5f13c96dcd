// Package checkpointthread checkpoints an SQLite database's write-ahead
// log on a thread of its own, outside Go's scheduler.
//
// Why: a checkpoint copies committed pages from the WAL into the database
// file and flushes both to disk. Run from a goroutine, all of that is one
// cgo call, and a goroutine in a cgo call holds one of the scheduler's
// processors (Ps) until it returns, unless the runtime's monitor takes the
// P away, which it does only for a call it finds still running on two of
// its rounds. A checkpoint every 200 ms held a P for up to 3 ms at a time
// (p99 2.9 ms in an execution trace of webhooks at 1,000 calls/s), most of
// it waiting for the disk, on a machine with two Ps. The WAL's own flush
// was moved off the scheduler for the same reason (crm/internal/syncthread).
//
// The thread opens its own connection with SQLite's C interface, sleeps in
// poll(2) on a pipe between checkpoints, and stops when Go closes the pipe.
// Checkpoints are passive: they never wait for, or hold up, a reader or
// the writer. Unix systems only (POSIX threads, poll and pipes).
package checkpointthread
