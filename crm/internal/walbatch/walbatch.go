package walbatch

/*
#include "walbatch.h"
*/
import "C"

import "fmt"

// Name is the VFS's name, for the "vfs" parameter of a go-sqlite3 DSN.
const Name = C.WALBATCH_NAME

// Register makes the VFS available under Name. Registering happens once
// per process; calling it again is harmless.
func Register() error {
	if rc := C.walbatch_register(); rc != 0 {
		return fmt.Errorf("registering the %s SQLite VFS: sqlite error %d", Name, int(rc))
	}
	return nil
}

// Writes reports how many writes SQLite asked for on WAL files through
// this VFS, and how many reached the file system, since the process
// started.
func Writes() (asked, made int64) {
	var a, m C.sqlite3_int64
	C.walbatch_stats(&a, &m)
	return int64(a), int64(m)
}
