package timewheel

import (
	"sync"
	"time"
)

// wakeBatch is how many wakers Shared.AdvanceTo takes out under its lock
// before releasing it to call them: 32, as Tokio's WakeList. 32 interface
// values are 512 bytes of stack; a larger batch holds the lock longer, a
// smaller one takes it more often.
const wakeBatch = 32

// Shared is a Wheel guarded by a mutex, for a runtime where any worker may
// arm or cancel timers while one of them drives the wheel. Its methods are
// those of Wheel, each holding the mutex for its O(1) duration, and are safe
// for concurrent use.
//
// AdvanceTo differs from Wheel.AdvanceTo in one way: it calls Wake without the
// lock held, so that a waker may take other locks or call into the Shared
// wheel (to re-arm, say). Under the lock it marks up to 32 due entries Fired
// and copies their wakers out; it then unlocks, wakes them, and repeats. So a
// Cancel that races with firing either wins (returns true, no Wake for that
// arming) or loses (returns false: the entry is Fired and its Wake has run, is
// running or is about to run on the firing goroutine). Losing is harmless:
// the entry is no longer referenced by the wheel and can be re-armed at once;
// the late Wake is a spurious wake-up, which wakers must tolerate anyway.
//
// The zero Shared is an empty wheel at tick 0. A Shared must not be copied
// after first use.
type Shared struct {
	mu    sync.Mutex
	wheel Wheel // guarded by mu
}

// Insert is Wheel.Insert under the lock.
func (s *Shared) Insert(e *Entry, deadline Tick) {
	s.mu.Lock()
	s.wheel.Insert(e, deadline)
	s.mu.Unlock()
}

// Cancel is Wheel.Cancel under the lock. It returns false if e fired before
// the lock was taken, even if e's Wake has not been called yet.
func (s *Shared) Cancel(e *Entry) bool {
	s.mu.Lock()
	ok := s.wheel.Cancel(e)
	s.mu.Unlock()
	return ok
}

// Reset is Wheel.Reset under the lock.
func (s *Shared) Reset(e *Entry, deadline Tick) bool {
	s.mu.Lock()
	ok := s.wheel.Reset(e, deadline)
	s.mu.Unlock()
	return ok
}

// NextExpiration is Wheel.NextExpiration under the lock. The answer can be
// outdated as soon as the lock is released: an Insert from another goroutine
// may arm an earlier timer. The runtime's driver must therefore unpark itself
// when a timer is armed earlier than the deadline it parked with (see the
// package documentation).
func (s *Shared) NextExpiration() (Tick, bool) {
	s.mu.Lock()
	at, ok := s.wheel.NextExpiration()
	s.mu.Unlock()
	return at, ok
}

// TimeUntilNext is Wheel.TimeUntilNext under the lock.
func (s *Shared) TimeUntilNext(elapsed time.Duration) (time.Duration, bool) {
	s.mu.Lock()
	d, ok := s.wheel.TimeUntilNext(elapsed)
	s.mu.Unlock()
	return d, ok
}

// Elapsed is Wheel.Elapsed under the lock.
func (s *Shared) Elapsed() Tick {
	s.mu.Lock()
	t := s.wheel.elapsed
	s.mu.Unlock()
	return t
}

// SetWaker is Wheel.SetWaker under the lock.
func (s *Shared) SetWaker(e *Entry, wk Waker) bool {
	s.mu.Lock()
	ok := s.wheel.SetWaker(e, wk)
	s.mu.Unlock()
	return ok
}

// Len is Wheel.Len under the lock.
func (s *Shared) Len() int {
	s.mu.Lock()
	n := s.wheel.pending
	s.mu.Unlock()
	return n
}

// AdvanceTo moves the wheel to now and fires every due entry, returning how
// many fired; the wakers are called without the lock held, in batches (see
// Shared). Within one call, entries fire in the order Wheel.AdvanceTo gives.
// Concurrent calls are allowed and share out the due entries between them,
// so their Wake calls interleave in no particular order.
//
// Unlike Wheel's, a Wake callback may call AdvanceTo on the same Shared; and a
// callback that cancels another due entry of the same batch is too late
// (Cancel returns false and that entry's Wake is still called).
func (s *Shared) AdvanceTo(now Tick) int {
	var batch [wakeBatch]Waker
	fired := 0
	s.mu.Lock()
	s.wheel.collect(now)
	for {
		n := 0
		for n < wakeBatch {
			e := s.wheel.firing.popFront()
			if e == nil {
				break
			}
			// fire copies the waker out before publishing Fired: an
			// owner that loads Fired may re-Init the entry at once
			// (Init writes the waker without a lock), so nothing of e
			// may be read after the store.
			batch[n] = s.wheel.fire(e)
			n++
		}
		if debug {
			s.wheel.check()
		}
		s.mu.Unlock()
		for i := range n {
			batch[i].Wake()
			batch[i] = nil
		}
		fired += n
		if n < wakeBatch {
			return fired
		}
		s.mu.Lock()
	}
}
