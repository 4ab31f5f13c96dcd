// Package walbatch registers an SQLite VFS that writes a transaction's
// write-ahead-log frames to the file in one system call instead of two per
// page.
//
// Why: a ringing call commits about 17 changed pages. SQLite writes each as
// a WAL frame with two pwrite calls, a 24-byte header and the page, and on
// the paravirtualised VM callcard is measured on a system call costs
// several microseconds: a third of the writer's time per call event went
// into those 34 calls. The writer is callcard's one serialised resource, so
// its time per event sets the tail of webhook → screen latency.
//
// The VFS wraps the default ("unix") VFS and only WAL files; databases and
// journals are the default VFS's files, untouched. A WAL file gathers
// frames appended one after the other in memory, up to 128 KiB (the most
// the unix VFS writes at once), and writes
// them together. It is safe because of when it writes:
//   - when a commit's last frame is complete, before SQLite publishes the
//     commit to other connections (which read frames from the file) and
//     before COMMIT returns (after which the store's walFlusher makes the
//     file durable with fsync on its own descriptor);
//   - before any other operation on the file (read, sync, truncate, size,
//     lock, file control, close), so that the file is always what SQLite
//     wrote whenever anyone, SQLite included, looks at it;
//   - and once past a commit frame, every write goes through at once until
//     the next transaction starts, so that headers SQLite rewrites at the end
//     of a transaction (after reading the frames back) are never left
//     behind.
//
// Frames that are gathered and not yet written belong to a transaction
// that has not committed: no other connection may read them, and a crash
// loses nothing that was ever reported committed.
package walbatch
