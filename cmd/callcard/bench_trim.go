//go:build linux && cgo

package main

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

// trim asks the C allocator to give freed memory back to the OS. It is
// looked up at run time: glibc has malloc_trim, other C libraries may not.
static int callcard_malloc_trim(void) {
	int (*f)(size_t) = (int (*)(size_t))dlsym(RTLD_DEFAULT, "malloc_trim");
	return f ? f(0) : -1;
}
*/
import "C"

// trimCHeap returns the C heap's free memory (SQLite's, once its
// connections are closed) to the OS, as a fresh process would start
// without it. It reports whether the C library could.
func trimCHeap() bool { return C.callcard_malloc_trim() >= 0 }
