/*
 * walbatch: an SQLite VFS over the default one that gathers the frames a
 * transaction appends to its write-ahead log and hands them to the kernel
 * in one write, instead of two writes per page. Everything else passes
 * straight through. See doc.go for why and for the rules that keep it safe.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "walbatch.h"

/* Bytes gathered before they are written regardless: 31 frames of 4 KB.
 * The unix VFS writes at most 128 KiB - 1 in one call (it masks the size
 * with 0x1ffff), and reports a longer write as a full disk. */
#define WALBATCH_CAP 0x1ffff
/* A WAL frame header; every other write to a WAL file is 32 bytes (the
 * file header) or a whole page, at least 512. */
#define WAL_FRAME_HEADER 24
#define WAL_FILE_HEADER 32

typedef struct walbatch_file {
	sqlite3_file base;
	sqlite3_file *real;   /* the default VFS's file, right after this struct */
	char *buf;            /* gathered bytes, allocated at the first write */
	int len;              /* bytes in buf */
	sqlite3_int64 off;    /* where buf[0] goes in the file */
	int commit_tail;      /* the last frame header written was a commit's */
} walbatch_file;

static sqlite3_vfs walbatch_vfs;
static pthread_once_t walbatch_once = PTHREAD_ONCE_INIT;
static int walbatch_once_rc;
static sqlite3_int64 walbatch_asked, walbatch_made;

#define REAL(f) (((walbatch_file *)(f))->real)
#define ROOT ((sqlite3_vfs *)walbatch_vfs.pAppData)

static int real_write(walbatch_file *f, const void *p, int n, sqlite3_int64 off) {
	__atomic_fetch_add(&walbatch_made, 1, __ATOMIC_RELAXED);
	return f->real->pMethods->xWrite(f->real, p, n, off);
}

/* flush writes what is gathered. A failed write is dropped: SQLite sees
 * the error and abandons the transaction whose frames they were. */
static int flush(walbatch_file *f) {
	int rc = WALBATCH_OK;
	if (f->len > 0) {
		rc = real_write(f, f->buf, f->len, f->off);
		f->len = 0;
	}
	return rc;
}

static int wb_write(sqlite3_file *pf, const void *p, int n, sqlite3_int64 off) {
	walbatch_file *f = (walbatch_file *)pf;
	int rc, is_header, commits;
	__atomic_fetch_add(&walbatch_asked, 1, __ATOMIC_RELAXED);
	is_header = n == WAL_FRAME_HEADER && off >= WAL_FILE_HEADER;
	/* Bytes 4-7 of a frame header: the database size after a commit, 0 for
	 * any other frame. */
	commits = is_header && (((const unsigned char *)p)[4] | ((const unsigned char *)p)[5] |
	                        ((const unsigned char *)p)[6] | ((const unsigned char *)p)[7]) != 0;
	if (is_header) f->commit_tail = commits;

	if (f->len > 0 && off == f->off + f->len && n <= WALBATCH_CAP - f->len) {
		memcpy(f->buf + f->len, p, n);
		f->len += n;
		/* A commit frame's header waits for its page, and then both go.
		 * Every write after it, until the next transaction's first frame,
		 * goes at once: a commit is visible to other connections as soon as
		 * SQLite has written its frames, and durable (walFlusher) as soon as
		 * COMMIT returns. */
		if (f->commit_tail && !commits) return flush(f);
		return WALBATCH_OK;
	}
	if ((rc = flush(f)) != WALBATCH_OK) return rc;
	/* Alone, a commit's frame header or anything after it goes straight
	 * to the file: it may be the last write of the commit (SQLite rewrites
	 * frame headers after reading them back when a transaction overwrote
	 * its own frames), and nothing would flush it. */
	if (f->commit_tail || n > WALBATCH_CAP) return real_write(f, p, n, off);
	if (f->buf == 0) {
		f->buf = malloc(WALBATCH_CAP);
		if (f->buf == 0) return real_write(f, p, n, off);
	}
	memcpy(f->buf, p, n);
	f->len = n;
	f->off = off;
	return WALBATCH_OK;
}

/* Every other method writes what is gathered first, so that the file is
 * what SQLite wrote whenever anyone looks at it. */

static int wb_close(sqlite3_file *pf) {
	walbatch_file *f = (walbatch_file *)pf;
	int rc = flush(f);
	int rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = 0;
	return rc != WALBATCH_OK ? rc : rc2;
}

static int wb_read(sqlite3_file *pf, void *p, int n, sqlite3_int64 off) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xRead(REAL(pf), p, n, off);
}

static int wb_truncate(sqlite3_file *pf, sqlite3_int64 size) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xTruncate(REAL(pf), size);
}

static int wb_sync(sqlite3_file *pf, int flags) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xSync(REAL(pf), flags);
}

static int wb_file_size(sqlite3_file *pf, sqlite3_int64 *size) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xFileSize(REAL(pf), size);
}

static int wb_lock(sqlite3_file *pf, int level) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xLock(REAL(pf), level);
}

static int wb_unlock(sqlite3_file *pf, int level) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xUnlock(REAL(pf), level);
}

static int wb_check_reserved_lock(sqlite3_file *pf, int *out) {
	return REAL(pf)->pMethods->xCheckReservedLock(REAL(pf), out);
}

static int wb_file_control(sqlite3_file *pf, int op, void *arg) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xFileControl(REAL(pf), op, arg);
}

static int wb_sector_size(sqlite3_file *pf) {
	return REAL(pf)->pMethods->xSectorSize(REAL(pf));
}

static int wb_device_characteristics(sqlite3_file *pf) {
	return REAL(pf)->pMethods->xDeviceCharacteristics(REAL(pf));
}

static int wb_shm_map(sqlite3_file *pf, int pg, int pgsz, int extend, void volatile **pp) {
	return REAL(pf)->pMethods->xShmMap(REAL(pf), pg, pgsz, extend, pp);
}

static int wb_shm_lock(sqlite3_file *pf, int offset, int n, int flags) {
	return REAL(pf)->pMethods->xShmLock(REAL(pf), offset, n, flags);
}

static void wb_shm_barrier(sqlite3_file *pf) {
	REAL(pf)->pMethods->xShmBarrier(REAL(pf));
}

static int wb_shm_unmap(sqlite3_file *pf, int delete_flag) {
	return REAL(pf)->pMethods->xShmUnmap(REAL(pf), delete_flag);
}

static int wb_fetch(sqlite3_file *pf, sqlite3_int64 off, int n, void **pp) {
	int rc = flush((walbatch_file *)pf);
	if (rc != WALBATCH_OK) return rc;
	return REAL(pf)->pMethods->xFetch(REAL(pf), off, n, pp);
}

static int wb_unfetch(sqlite3_file *pf, sqlite3_int64 off, void *p) {
	return REAL(pf)->pMethods->xUnfetch(REAL(pf), off, p);
}

static const sqlite3_io_methods walbatch_methods = {
	3,
	wb_close, wb_read, wb_write, wb_truncate, wb_sync, wb_file_size,
	wb_lock, wb_unlock, wb_check_reserved_lock, wb_file_control,
	wb_sector_size, wb_device_characteristics,
	wb_shm_map, wb_shm_lock, wb_shm_barrier, wb_shm_unmap,
	wb_fetch, wb_unfetch,
};

/* Only WAL files are wrapped; every other file is the default VFS's own,
 * opened in place, so databases, journals and temporary files cost
 * nothing extra. */
static int wb_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags, int *out) {
	walbatch_file *f = (walbatch_file *)pf;
	int rc;
	(void)vfs;
	if (!(flags & WALBATCH_OPEN_WAL)) {
		return ROOT->xOpen(ROOT, name, pf, flags, out);
	}
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	rc = ROOT->xOpen(ROOT, name, f->real, flags, out);
	if (rc != WALBATCH_OK || f->real->pMethods == 0) {
		f->base.pMethods = 0;
		return rc;
	}
	if (f->real->pMethods->iVersion < 3) {
		/* A default VFS without all the methods this one forwards: use it
		 * as it is. */
		f->real->pMethods->xClose(f->real);
		return ROOT->xOpen(ROOT, name, pf, flags, out);
	}
	f->base.pMethods = &walbatch_methods;
	return rc;
}

static int wb_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
	(void)vfs;
	return ROOT->xDelete(ROOT, name, sync_dir);
}
static int wb_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
	(void)vfs;
	return ROOT->xAccess(ROOT, name, flags, out);
}
static int wb_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
	(void)vfs;
	return ROOT->xFullPathname(ROOT, name, n, out);
}
static void *wb_dl_open(sqlite3_vfs *vfs, const char *name) {
	(void)vfs;
	return ROOT->xDlOpen(ROOT, name);
}
static void wb_dl_error(sqlite3_vfs *vfs, int n, char *msg) {
	(void)vfs;
	ROOT->xDlError(ROOT, n, msg);
}
static void (*wb_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void) {
	(void)vfs;
	return ROOT->xDlSym(ROOT, h, sym);
}
static void wb_dl_close(sqlite3_vfs *vfs, void *h) {
	(void)vfs;
	ROOT->xDlClose(ROOT, h);
}
static int wb_randomness(sqlite3_vfs *vfs, int n, char *out) {
	(void)vfs;
	return ROOT->xRandomness(ROOT, n, out);
}
static int wb_sleep(sqlite3_vfs *vfs, int us) {
	(void)vfs;
	return ROOT->xSleep(ROOT, us);
}
static int wb_current_time(sqlite3_vfs *vfs, double *out) {
	(void)vfs;
	return ROOT->xCurrentTime(ROOT, out);
}
static int wb_get_last_error(sqlite3_vfs *vfs, int n, char *out) {
	(void)vfs;
	return ROOT->xGetLastError(ROOT, n, out);
}
static int wb_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
	(void)vfs;
	return ROOT->xCurrentTimeInt64(ROOT, out);
}

static void walbatch_init(void) {
	sqlite3_vfs *root = sqlite3_vfs_find(0);
	if (root == 0 || root->iVersion < 2) {
		walbatch_once_rc = WALBATCH_ERROR;
		return;
	}
	walbatch_vfs.iVersion = 2;
	walbatch_vfs.szOsFile = (int)sizeof(walbatch_file) + root->szOsFile;
	walbatch_vfs.mxPathname = root->mxPathname;
	walbatch_vfs.zName = WALBATCH_NAME;
	walbatch_vfs.pAppData = root;
	walbatch_vfs.xOpen = wb_open;
	walbatch_vfs.xDelete = wb_delete;
	walbatch_vfs.xAccess = wb_access;
	walbatch_vfs.xFullPathname = wb_full_pathname;
	walbatch_vfs.xDlOpen = wb_dl_open;
	walbatch_vfs.xDlError = wb_dl_error;
	walbatch_vfs.xDlSym = wb_dl_sym;
	walbatch_vfs.xDlClose = wb_dl_close;
	walbatch_vfs.xRandomness = wb_randomness;
	walbatch_vfs.xSleep = wb_sleep;
	walbatch_vfs.xCurrentTime = wb_current_time;
	walbatch_vfs.xGetLastError = wb_get_last_error;
	walbatch_vfs.xCurrentTimeInt64 = wb_current_time_int64;
	walbatch_once_rc = sqlite3_vfs_register(&walbatch_vfs, 0);
}

int walbatch_register(void) {
	pthread_once(&walbatch_once, walbatch_init);
	return walbatch_once_rc;
}

void walbatch_stats(sqlite3_int64 *asked, sqlite3_int64 *made) {
	*asked = __atomic_load_n(&walbatch_asked, __ATOMIC_RELAXED);
	*made = __atomic_load_n(&walbatch_made, __ATOMIC_RELAXED);
}
