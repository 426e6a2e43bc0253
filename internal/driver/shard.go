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
// timewheel.Wheel guarded by mu, whose entries hold their owners' wakers;
// advance takes the wakers of the fired entries out under mu
// (Wheel.AdvanceAppend) and the driver calls them after mu is released.
type shard struct {
	mu    sync.Mutex
	wheel timewheel.Wheel // guarded by mu

	// busy is set when the shard may hold a pending timer: Arm stores true,
	// under mu and after its insert, when it finds it false; it is cleared,
	// under mu, only when the wheel is found empty (by the driver's lock
	// holder, or by the default driver's idleness check). So it is written at most once per stretch of non-emptiness
	// (not once per timer), and a false read means no timer an Arm could
	// have announced is in the wheel: Park skips such shards without their
	// locks (the proof in doc.go covers it).
	busy atomic.Bool

	// drv is the driver the shard belongs to (immutable): a timer armed
	// again finds from it whether its first shard is the arming driver's.
	drv *Driver
	_   [64]byte
}

// insert arms t (whose entry has its waker) at deadline.
func (s *shard) insert(t *Timer, deadline timewheel.Tick) {
	s.mu.Lock()
	s.wheel.Insert(&t.entry, deadline)
	s.unlockArmed()
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
	ok := s.wheel.SetWaker(&t.entry, w)
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
func (s *shard) advance(now timewheel.Tick, buf []timewheel.Waker) []timewheel.Waker {
	s.mu.Lock()
	buf = s.wheel.AdvanceAppend(now, buf)
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
