//go:build !race

package poller

import "unsafe"

// loadWaiter and storeWaiter read and write a slot's waiter word. Writes
// are made under the slot's lock bit; dispatch reads a word without it,
// after the compare-and-swap that took the word's armed bit, which orders
// the read after the write that armed it. The read can still meet a lock
// holder's write replacing the waiter: Go defines such a race on a single
// word (the read sees the old or the new pointer, never a mixture), and
// either waiter may be woken (see slot). Plain accesses: an atomic store of
// a pointer is a call with a locked exchange, and these are on every
// message's path. The race detector's build (race.go) makes them atomic.
func loadWaiter(wp *unsafe.Pointer) unsafe.Pointer { return *wp }

func storeWaiter(wp *unsafe.Pointer, p unsafe.Pointer) { *wp = p }
