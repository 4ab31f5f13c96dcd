// Package sqlitemem turns off SQLite's memory statistics for the process.
//
// Why: with statistics on, SQLite's default, every allocation and free
// inside SQLite takes one process-wide mutex to keep its byte counts. In a
// perf profile of a 1,000,000-contact import, pthread_mutex_lock and
// unlock took 7% of all CPU samples, most of them called from
// sqlite3Malloc and sqlite3_free, on the single writer that sets the
// import's pace. Off, the import ran at 46,518–51,384 rows/s against
// 35,781–54,224 (200,000 contacts, six alternations, medians 49,700 and
// 45,400). callcard reads none of those statistics: it sets no heap
// limit and never asks SQLite how much memory it uses (the bench estimates
// the C heap from the process's resident set).
//
// SQLite accepts the setting only before it initialises, which it does on
// the first connection opened or the first extension or VFS registered, so
// the store calls Disable before anything else touches SQLite.
package sqlitemem

/*
extern int sqlite3_config(int, ...);
extern long long sqlite3_memory_used(void);

// SQLITE_CONFIG_MEMSTATUS in sqlite3.h.
#define CALLCARD_CONFIG_MEMSTATUS 9

static int callcard_memstatus_off(void) {
	return sqlite3_config(CALLCARD_CONFIG_MEMSTATUS, 0);
}
*/
import "C"

// Disable turns SQLite's memory statistics off and reports whether it did.
// It returns false once SQLite has initialised: the setting made then, by
// the first call in the process, stays.
func Disable() bool {
	return C.callcard_memstatus_off() == 0
}

// memoryUsed is SQLite's count of the bytes it holds; always 0 while the
// statistics are off. Only the test reads it.
func memoryUsed() int64 {
	return int64(C.sqlite3_memory_used())
}
