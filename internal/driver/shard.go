package driver

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/timewheel"
)

// shard is one timer wheel with its mutex, padded to its own cache lines so
// that workers arming timers on different shards do not false-share.
//
// It is timewheel.Shared's shape with the driver's bookkeeping moved under
// the same lock, so that arming a timer and cancelling it cost one lock pair
// each and no other atomic read-modify-write: the wheel is a plain
// timewheel.Wheel guarded by mu, and its entries wake the Timer holding them
// (timerWaker), which, still under mu, copies the owner's waker into buf;
// the driver calls those wakers after mu is released (see advance).
type shard struct {
	mu    sync.Mutex
	wheel timewheel.Wheel // guarded by mu
	buf   []Waker         // guarded by mu; non-nil only inside advance

	// busy is set when the shard may hold a pending timer: Arm stores true,
	// under mu and after its insert, when it finds it false; it is cleared,
	// under mu, only when the wheel is found empty (by the driver's lock
	// holder, or by the default driver's idleness check). So it is written at most once per stretch of non-emptiness
	// (not once per timer), and a false read means no timer an Arm could
	// have announced is in the wheel: Park skips such shards without their
	// locks (the proof in doc.go covers it).
	busy atomic.Bool
	_    [64]byte
}

// timerWaker is what the wheel's entries wake: the Timer holding the entry.
// Its Wake runs inside shard.advance, with the shard's mu held.
type timerWaker Timer

func (t *timerWaker) Wake() {
	s := t.shard
	s.buf = append(s.buf, t.w)
}

// insert arms t (whose entry is Init'ed) at deadline.
func (s *shard) insert(t *Timer, w Waker, deadline timewheel.Tick) {
	s.mu.Lock()
	t.w = w
	s.wheel.Insert(&t.entry, deadline)
	if !s.busy.Load() {
		s.busy.Store(true)
	}
	s.mu.Unlock()
}

// cancel disarms t and reports whether it was pending, and whether the shard
// is empty afterwards.
func (s *shard) cancel(t *Timer) (ok, empty bool) {
	s.mu.Lock()
	ok = s.wheel.Cancel(&t.entry)
	empty = s.wheel.Len() == 0
	s.mu.Unlock()
	return ok, empty
}

// setWaker makes a pending t wake w; false if t is no longer pending.
func (s *shard) setWaker(t *Timer, w Waker) bool {
	s.mu.Lock()
	ok := t.entry.State() == timewheel.Pending
	if ok {
		t.w = w
	}
	s.mu.Unlock()
	return ok
}

// nextExpiration is the wheel's NextExpiration; an empty wheel clears busy.
// Only the driver's lock holder calls it.
func (s *shard) nextExpiration() (timewheel.Tick, bool) {
	s.mu.Lock()
	at, ok := s.wheel.NextExpiration()
	if !ok {
		s.busy.Store(false)
	}
	s.mu.Unlock()
	return at, ok
}

// empty reports whether the wheel holds no pending timer, clearing busy if
// so.
func (s *shard) empty() bool {
	s.mu.Lock()
	e := s.wheel.Len() == 0
	if e && s.busy.Load() {
		s.busy.Store(false)
	}
	s.mu.Unlock()
	return e
}

// advance moves the wheel to now and appends the wakers of the timers that
// fired to buf; the caller wakes them after the lock is released. Only the
// driver's lock holder calls it.
func (s *shard) advance(now timewheel.Tick, buf []Waker) []Waker {
	s.mu.Lock()
	s.buf = buf
	s.wheel.AdvanceTo(now)
	buf, s.buf = s.buf, nil
	s.mu.Unlock()
	return buf
}

// len is the number of pending timers.
func (s *shard) len() int {
	s.mu.Lock()
	n := s.wheel.Len()
	s.mu.Unlock()
	return n
}
