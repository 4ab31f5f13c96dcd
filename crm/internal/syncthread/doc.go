// Package syncthread flushes a file to disk on a thread of its own, outside
// Go's scheduler, so that a goroutine waiting for the flush holds no
// processor (P).
//
// Why: a goroutine in a system call keeps its P until the call returns or
// the runtime's monitor takes the P away, which it does only for a call it
// finds still running on two of its rounds, between which it sleeps. fsync
// is a wait for the disk, not work: on callcard's two-core test machine a
// flush of the write-ahead log takes 0.7 ms at the median and up to 11 ms,
// and with 400 flushes a second an execution trace showed flushes holding
// a P 37% of the time (the monitor took it in 43 of 849), leaving one P for
// every webhook, screen and recognition while a core sat idle. A third P
// does not help: three threads on two cores are then taken off a core
// mid-work by the kernel instead.
//
// Here a C thread (pthread), which never holds a P, waits on a pipe for a
// request, flushes the file and writes the outcome to a second pipe. The
// goroutine that asked reads that pipe through Go's network poller, parked
// like one waiting on a socket, so its P runs other goroutines meanwhile.
// A flush costs two more system calls and a thread wake-up. In six
// alternating runs of `callcard bench` at 1,000,000 contacts, webhook →
// screen p99 was 3.31–5.90 ms against 5.08–9.11 ms with os.File.Sync.
// Unix systems only (POSIX threads and pipes).
package syncthread
