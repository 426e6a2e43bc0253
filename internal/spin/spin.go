// Package spin is the bit lock that corio keeps in a word it already has
// (a task's flags, a poller registration's readiness word) where a
// sync.Mutex would add a word to every task or descriptor.
package spin

import (
	"runtime"
	"sync/atomic"
)

// Word is the atomic word a bit lock lives in: *atomic.Uint32 or
// *atomic.Uint64.
type Word[T uint32 | uint64] interface {
	*atomic.Uint32 | *atomic.Uint64
	Load() T
	CompareAndSwap(old, new T) bool
	Add(delta T) T
}

// Lock sets bit in w once it is clear. The other bits may change meanwhile
// (a failed compare-and-swap looks again) and are kept. A lock held for a
// few instructions is what it is for: a contender spins, and yields its
// thread after a while in case the holder was preempted.
func Lock[T uint32 | uint64, W Word[T]](w W, bit T) {
	for spins := 0; ; spins++ {
		v := w.Load()
		if v&bit == 0 {
			if w.CompareAndSwap(v, v|bit) {
				return
			}
			continue
		}
		if spins > 32 {
			runtime.Gosched()
		}
	}
}

// Unlock clears bit in w, which the caller set with Lock: subtracting it
// is one atomic add, where an atomic and returning the old value is a
// compare-and-swap loop.
func Unlock[T uint32 | uint64, W Word[T]](w W, bit T) { w.Add(^(bit - 1)) }
