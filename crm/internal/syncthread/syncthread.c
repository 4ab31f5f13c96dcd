//go:build unix

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "syncthread.h"

typedef struct {
	int file, requests, outcomes;
} syncthread_fds;

/* flush makes file durable as os.File.Sync does on this platform. */
static int flush(int file) {
#ifdef __APPLE__
	/* fsync on macOS leaves the data in the drive's cache. */
	if (fcntl(file, F_FULLFSYNC) == 0) return 0;
#else
	if (fsync(file) == 0) return 0;
#endif
	return errno;
}

/* write_all writes n bytes of p; 0 on success, -1 on failure. */
static int write_all(int fd, const char *p, size_t n) {
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void *run(void *arg) {
	syncthread_fds fds = *(syncthread_fds *)arg;
	free(arg);
	for (;;) {
		char request;
		ssize_t n = read(fds.requests, &request, 1);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) break;
		int32_t outcome = flush(fds.file);
		if (write_all(fds.outcomes, (const char *)&outcome, sizeof outcome) != 0) break;
	}
	close(fds.requests);
	close(fds.outcomes);
	return NULL;
}

int syncthread_start(int file, int requests, int outcomes) {
	syncthread_fds *fds = malloc(sizeof *fds);
	if (fds == NULL) return ENOMEM;
	fds->file = file;
	fds->requests = requests;
	fds->outcomes = outcomes;
	pthread_attr_t attr;
	int rc = pthread_attr_init(&attr);
	if (rc != 0) {
		free(fds);
		return rc;
	}
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t thread;
	rc = pthread_create(&thread, &attr, run, fds);
	pthread_attr_destroy(&attr);
	if (rc != 0) free(fds);
	return rc;
}
