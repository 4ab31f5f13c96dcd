//go:build !(linux && cgo)

package main

// trimCHeap is a no-op where the C allocator can't be asked to trim.
func trimCHeap() bool { return false }
