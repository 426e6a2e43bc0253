package driver

import (
	"math"
	"time"
	"unsafe"

	"github.com/corio-go/corio/timewheel"
)

// A Batch holds the timers armed during one task poll, to be armed together
// when the poll returns (see "Deferred arming" in the package documentation):
// ArmDeferred puts a timer in, Flush arms them all. It is a
// timewheel.DeferList: the timers are linked through their own entries, so
// deferring allocates nothing.
//
// A Batch is owned by the goroutine that polls (a scheduler's worker), and so
// are the timers in it: ArmDeferred, Flush, and Cancel, SetWaker and the
// accessors of a deferred timer run on that goroutine. A scheduler flushes
// before it gives up the task whose poll armed them, so no other goroutine
// ever finds one of its timers deferred. The zero Batch is empty; it must not
// be copied once used.
type Batch struct {
	list timewheel.DeferList
}

// Empty reports whether b holds no timer: a scheduler tests it after every
// poll, and a poll that armed nothing costs two compares.
func (b *Batch) Empty() bool { return b.list.Empty() }

// ArmDeferred puts t in b, to wake w once dur has passed, measured from b's
// next Flush: no clock reading and no lock now. Until then t is Pending and
// not Fired; Cancel takes it out of b, SetWaker changes its waker, DeadlineOf
// reads the clock to answer. t must not be pending (in a wheel or in a
// Batch) and dur must be positive (a timer of 0 is due: the caller has no use
// for one); ArmDeferred panics otherwise.
func (d *Driver) ArmDeferred(b *Batch, t *Timer, dur time.Duration, w Waker) {
	if t.Pending() {
		panic("corio/driver: ArmDeferred of a pending timer")
	}
	if w == nil {
		panic("corio/driver: ArmDeferred with a nil Waker")
	}
	if dur <= 0 {
		panic("corio/driver: ArmDeferred with a non-positive duration")
	}
	t.entry.Init(w)
	b.list.Push(&t.entry, uint64(dur))
}

// Flush arms every timer in b: one clock reading gives all their deadlines
// (that reading plus each duration, rounded up to a whole tick, as Deadline
// rounds), the timers of one shard are inserted under one lock pair, and the
// parked holder is unparked once if the earliest of them is earlier than
// what it sleeps until. hint picks the shard of a timer never armed before
// on d, as Arm's does. An empty b costs nothing, and no clock reading.
func (d *Driver) Flush(b *Batch, hint int) {
	e, v := b.list.Pop()
	if e == nil {
		return
	}
	el := d.clock.Elapsed()
	earliest := timewheel.Tick(math.MaxUint64)
	var s *shard // the shard whose lock is held
	for ; e != nil; e, v = b.list.Pop() {
		t := (*Timer)(unsafe.Pointer(e)) // a Timer is its entry (offset 0)
		ts := d.shardOf(t, hint)
		if ts != s {
			if s != nil {
				s.unlockArmed()
			}
			s = ts
			s.mu.Lock()
		}
		deadline := deadlineFrom(el, time.Duration(v))
		s.wheel.Insert(e, deadline)
		earliest = min(earliest, deadline)
	}
	s.unlockArmed()
	d.armed(earliest)
}

// unlockArmed announces the timers just inserted under s.mu (busy, as insert
// does) and releases the lock.
func (s *shard) unlockArmed() {
	if !s.busy.Load() {
		s.busy.Store(true)
	}
	s.mu.Unlock()
}
