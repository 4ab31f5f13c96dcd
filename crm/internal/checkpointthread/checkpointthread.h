/*
 * A thread that checkpoints an SQLite database's write-ahead log at a
 * steady interval (checkpointthread.c).
 */
#ifndef CALLCARD_CHECKPOINTTHREAD_H
#define CALLCARD_CHECKPOINTTHREAD_H

typedef struct checkpointthread checkpointthread;

/*
 * checkpointthread_start opens path with a connection of its own and
 * starts a thread that runs a passive checkpoint every interval_ms
 * milliseconds while not paused. It stops when stop (a pipe's read end,
 * blocking) reaches end of file, then closes the connection and stop and
 * writes nothing more; done (the write end of a second pipe) is closed
 * last, so that end of file on its read end means the thread is gone.
 * It returns 0 and sets *out, or an SQLite or errno code with a message
 * in err (at most err_len bytes) and closes nothing.
 */
int checkpointthread_start(const char *path, int interval_ms, int stop, int done,
                           checkpointthread **out, char *err, int err_len);

/* checkpointthread_pause pauses (paused != 0) or resumes the checkpoints.
 * Pausing waits for a checkpoint under way to end: once it returns, none
 * runs until they are resumed. */
void checkpointthread_pause(checkpointthread *t, int paused);

/* checkpointthread_passes reports how many checkpoints have run, and how
 * many of those did not complete (SQLITE_BUSY or an error). */
void checkpointthread_passes(checkpointthread *t, long long *runs, long long *failed);

/* checkpointthread_free frees t once its thread has stopped (end of file
 * on done). */
void checkpointthread_free(checkpointthread *t);

#endif
