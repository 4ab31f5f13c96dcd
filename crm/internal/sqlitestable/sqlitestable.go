// Package sqlitestable turns on SQLite's query planner stability guarantee
// (SQLITE_DBCONFIG_ENABLE_QPSG) for every connection the process opens.
//
// Why: since SQLite 3.54 a statement whose plan might depend on a bound
// value (LIMIT ?, or a "column = ?" term the planner estimates, which is
// almost every join) is marked for recompilation when that value is
// rebound, and go-sqlite3 clears the bindings after every run. Together
// they recompile such a statement on every run, which cost more than the
// query itself: 52 µs instead of 30 µs for a caller recognition at a
// million contacts. With the guarantee on, a plan never depends on bound
// values, so a prepared statement stays compiled. callcard's plans are
// index look-ups that do not need value-dependent planning.
//
// go-sqlite3 offers no hook to set a connection option before its first
// statement, so this registers an SQLite auto-extension: SQLite calls it
// on every connection it opens, whoever opens it.
package sqlitestable

/*
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_api_routines sqlite3_api_routines;
extern int sqlite3_db_config(sqlite3*, int op, ...);
extern int sqlite3_auto_extension(void(*)(void));

// SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h.
#define CALLCARD_DBCONFIG_ENABLE_QPSG 1007

static int callcard_enable_qpsg(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
	(void)err; (void)api;
	return sqlite3_db_config(db, CALLCARD_DBCONFIG_ENABLE_QPSG, 1, (int*)0);
}

static int callcard_register_qpsg(void) {
	return sqlite3_auto_extension((void(*)(void))callcard_enable_qpsg);
}
*/
import "C"

import "fmt"

// Enable makes every SQLite connection opened from now on plan without
// looking at bound values. SQLite keeps one entry per function however
// often it is registered, so calling it again is harmless.
func Enable() error {
	if rc := C.callcard_register_qpsg(); rc != 0 {
		return fmt.Errorf("registering SQLite planner stability: sqlite error %d", int(rc))
	}
	return nil
}
