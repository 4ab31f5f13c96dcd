/*
 * A thread that flushes one file to disk on request (syncthread.c).
 */
#ifndef CALLCARD_SYNCTHREAD_H
#define CALLCARD_SYNCTHREAD_H

/*
 * syncthread_start starts a detached thread that, for every byte it reads
 * from requests, flushes file and writes the outcome to outcomes: 0 or an
 * errno value, as an int32_t in the machine's byte order. It stops when
 * requests reaches end of file or fails, and then closes requests and
 * outcomes, never file. Both pipe ends must be blocking. It returns 0, or
 * an errno value if the thread could not be started (nothing is closed
 * then).
 */
int syncthread_start(int file, int requests, int outcomes);

#endif
