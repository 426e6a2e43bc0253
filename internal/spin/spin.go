// Package spin is the bit lock that corio keeps in a word it already has
// (a task's flags, a poller registration's readiness word) where a
// sync.Mutex would add a word to every task or descriptor.
//
// Such a lock is held for a few instructions (a field or two stored or
// taken, nothing that blocks), so a contender spins, and yields its thread
// after a while in case the holder was preempted. The other bits of the
// word may change while it is held or awaited (their owners use their own
// atomic operations) and are kept.
package spin

import (
	"runtime"
	"sync/atomic"
)

// Lock64 sets bit in w once it is clear.
func Lock64(w *atomic.Uint64, bit uint64) {
	for spins := 0; !try64(w, bit); spins++ {
		backoff(spins)
	}
}

// Unlock64 clears bit, which the caller set with Lock64: subtracting it is
// one atomic add, where an atomic and that returns the old value is a
// compare-and-swap loop.
func Unlock64(w *atomic.Uint64, bit uint64) { w.Add(-bit) }

// Lock32 is Lock64 for a 32-bit word.
func Lock32(w *atomic.Uint32, bit uint32) {
	for spins := 0; !try32(w, bit); spins++ {
		backoff(spins)
	}
}

// Unlock32 is Unlock64 for a 32-bit word.
func Unlock32(w *atomic.Uint32, bit uint32) { w.Add(-bit) }

func try64(w *atomic.Uint64, bit uint64) bool {
	v := w.Load()
	return v&bit == 0 && w.CompareAndSwap(v, v|bit)
}

func try32(w *atomic.Uint32, bit uint32) bool {
	v := w.Load()
	return v&bit == 0 && w.CompareAndSwap(v, v|bit)
}

// backoff is a contender's wait after its spins-th failed try.
func backoff(spins int) {
	if spins > 32 {
		runtime.Gosched()
	}
}
