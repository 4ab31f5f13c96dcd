//go:build unix

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpointthread.h"

/* The parts of SQLite's public interface (sqlite3.h) used here; go-sqlite3
 * compiles SQLite into the binary but does not install its header. */
typedef struct sqlite3 sqlite3;
extern int sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs);
extern int sqlite3_close_v2(sqlite3 *);
extern int sqlite3_wal_checkpoint_v2(sqlite3 *db, const char *zDb, int eMode, int *pnLog, int *pnCkpt);
extern const char *sqlite3_errmsg(sqlite3 *);
extern const char *sqlite3_errstr(int);
extern int sqlite3_busy_timeout(sqlite3 *, int ms);
extern int sqlite3_exec(sqlite3 *, const char *sql, int (*callback)(void *, int, char **, char **), void *, char **errmsg);
#define CKPT_SQLITE_OK 0
#define CKPT_SQLITE_OPEN_READWRITE 0x00000002
#define CKPT_SQLITE_CHECKPOINT_PASSIVE 0

struct checkpointthread {
	sqlite3 *db;
	int interval_ms, stop, done;
	/* pass is held for the length of a checkpoint and taken to change
	 * paused, so that pausing waits for a checkpoint under way. */
	pthread_mutex_t pass;
	int paused;               /* under pass */
	long long runs, failed;   /* __atomic */
};

static void *run(void *arg) {
	checkpointthread *t = arg;
	for (;;) {
		struct pollfd p = {.fd = t->stop, .events = POLLIN};
		int n = poll(&p, 1, t->interval_ms);
		if (n < 0 && errno == EINTR) continue;
		if (n != 0) break; /* stop closed, or poll failed: stop */
		pthread_mutex_lock(&t->pass);
		if (!t->paused) {
			int log = 0, copied = 0;
			int rc = sqlite3_wal_checkpoint_v2(t->db, "main", CKPT_SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
			__atomic_add_fetch(&t->runs, 1, __ATOMIC_RELAXED);
			if (rc != CKPT_SQLITE_OK) __atomic_add_fetch(&t->failed, 1, __ATOMIC_RELAXED);
		}
		pthread_mutex_unlock(&t->pass);
	}
	sqlite3_close_v2(t->db);
	close(t->stop);
	/* t stays allocated until checkpointthread_free: Go may still read
	 * its counters. */
	close(t->done);
	return NULL;
}

int checkpointthread_start(const char *path, int interval_ms, int stop, int done,
                           checkpointthread **out, char *err, int err_len) {
	checkpointthread *t = calloc(1, sizeof *t);
	if (t == NULL) {
		snprintf(err, (size_t)err_len, "%s", strerror(ENOMEM));
		return ENOMEM;
	}
	int rc = sqlite3_open_v2(path, &t->db, CKPT_SQLITE_OPEN_READWRITE, NULL);
	if (rc == CKPT_SQLITE_OK) rc = sqlite3_busy_timeout(t->db, 5000);
	/* A connection opens the WAL at its first read; until then a
	 * checkpoint finds no WAL and does nothing. */
	if (rc == CKPT_SQLITE_OK) rc = sqlite3_exec(t->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != CKPT_SQLITE_OK) {
		snprintf(err, (size_t)err_len, "%s", t->db ? sqlite3_errmsg(t->db) : sqlite3_errstr(rc));
		sqlite3_close_v2(t->db);
		free(t);
		return rc;
	}
	pthread_mutex_init(&t->pass, NULL);
	t->interval_ms = interval_ms;
	t->stop = stop;
	t->done = done;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t thread;
	rc = pthread_create(&thread, &attr, run, t);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		snprintf(err, (size_t)err_len, "%s", strerror(rc));
		sqlite3_close_v2(t->db);
		pthread_mutex_destroy(&t->pass);
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void checkpointthread_pause(checkpointthread *t, int paused) {
	pthread_mutex_lock(&t->pass);
	t->paused = paused;
	pthread_mutex_unlock(&t->pass);
}

void checkpointthread_passes(checkpointthread *t, long long *runs, long long *failed) {
	*runs = __atomic_load_n(&t->runs, __ATOMIC_RELAXED);
	*failed = __atomic_load_n(&t->failed, __ATOMIC_RELAXED);
}

void checkpointthread_free(checkpointthread *t) {
	pthread_mutex_destroy(&t->pass);
	free(t);
}
