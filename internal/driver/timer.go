package driver

import (
	"math"
	"time"
	"unsafe"

	"github.com/corio-go/corio/timewheel"
)

// A Timer is one timer of a Driver, embedded in what waits for it (a Sleep
// future), so arming it allocates nothing. The zero Timer is unarmed; an
// unarmed Timer costs nothing to cancel or drop.
//
// A Timer belongs to one owner at a time (the future holding it): Arm,
// SetWaker, Cancel and the accessors are the owner's, never called
// concurrently for one Timer. The driver fires it from the parking goroutine.
type Timer struct {
	// entry's waker is what firing wakes: set by Arm (Init, while the
	// entry is not pending) and SetWaker (under shard.mu). The shard it
	// is armed on is the one whose wheel the entry was inserted in
	// (shardOf): no field of its own, 8 bytes less in every sleep.
	entry timewheel.Entry
}

// Armed reports whether t was ever armed (deferred arming included).
func (t *Timer) Armed() bool { return t.entry.Wheel() != nil || t.entry.Deferred() }

// Deferred reports whether t waits in a Batch to be armed (ArmDeferred).
func (t *Timer) Deferred() bool { return t.entry.Deferred() }

// shardOf returns the shard t was armed on, nil if it never was
// (owner-only, as Entry.Wheel). Every wheel a Timer is inserted in is a
// shard's, so the shard is found from its wheel's address.
func (t *Timer) shardOf() *shard {
	w := t.entry.Wheel()
	if w == nil {
		return nil
	}
	return (*shard)(unsafe.Add(unsafe.Pointer(w), -int(unsafe.Offsetof(shard{}.wheel))))
}

// Fired reports whether t's latest arming fired. Once true, it stays true
// until t is armed again (a deferred arming included), and the waker has
// been or is being woken.
func (t *Timer) Fired() bool {
	// A deferred entry keeps the state of its previous arming.
	return t.entry.State() == timewheel.Fired && !t.entry.Deferred()
}

// Pending reports whether t is armed and has neither fired nor been
// cancelled: in a wheel, or deferred in a Batch.
func (t *Timer) Pending() bool {
	return t.entry.State() == timewheel.Pending || t.entry.Deferred()
}

// Deadline returns the tick t was last armed for in a wheel; a deferred timer
// has none yet (see DeadlineOf).
func (t *Timer) Deadline() timewheel.Tick {
	if t.entry.Deferred() {
		return 0
	}
	return t.entry.Deadline()
}

// DeadlineOf returns t's deadline: the tick it is armed for, or for a
// deferred timer the deadline it would get if its Batch were flushed now
// (one clock reading; the flush can only make it later). For a timer never
// armed it returns 0.
func (d *Driver) DeadlineOf(t *Timer) timewheel.Tick {
	if t.entry.Deferred() {
		return d.DeadlineAfter(time.Duration(t.entry.Deadline()))
	}
	return t.entry.Deadline()
}

// DeadlineAfter returns the deadline tick of a timer of duration dur armed
// now (rounded up to the wheel's 1 ms resolution: it never fires early).
func (d *Driver) DeadlineAfter(dur time.Duration) timewheel.Tick {
	return timewheel.DeadlineAfter(d.clock, dur)
}

// DeadlineAt returns the deadline tick for the instant at on the driver's
// clock; instants before the clock's start are due at once.
func (d *Driver) DeadlineAt(at time.Time) timewheel.Tick {
	return timewheel.DeadlineAt(d.clock, at)
}

// Deadline returns, from one clock reading, the deadline tick of a timer of
// duration dur armed now (as DeadlineAfter) and the current tick; a deadline
// <= now is already due. A leaf arming a timer needs both, and on many
// machines reading the clock costs more than arming the timer.
func (d *Driver) Deadline(dur time.Duration) (deadline, now timewheel.Tick) {
	el := d.clock.Elapsed()
	return deadlineFrom(el, dur), timewheel.Tick(el / timewheel.TickDuration)
}

// deadlineFrom is the deadline of a timer of duration dur armed at the clock
// reading el: el+dur rounded up to a whole tick, so it never fires early;
// dur <= 0 is due at el's tick.
func deadlineFrom(el, dur time.Duration) timewheel.Tick {
	if dur <= 0 {
		return timewheel.Tick(el / timewheel.TickDuration)
	}
	if dur > math.MaxInt64-el {
		dur = math.MaxInt64 - el // saturate: ~292 years is "never" for a timer
	}
	return timewheel.DurationToTicks(el + dur)
}

// TickTime returns the instant a tick stands for.
func (d *Driver) TickTime(t timewheel.Tick) time.Time {
	return d.clock.Start().Add(timewheel.TicksToDuration(t))
}

// Arm arms t to wake w at deadline. t must not be pending (arm a fired or
// cancelled timer again freely; Cancel a pending one first). hint picks the
// timer shard at t's first arming: timers armed with the same hint share a
// wheel and its lock, so a scheduler passes its worker's index; a negative
// hint spreads timers over the shards by their address. A timer armed again
// on the same driver stays on its first shard (any shard fires on time;
// staying means a late fire on the old shard can never race with an arming
// on a new one); armed on another driver (a future reused on another
// runtime), it takes a shard of that one, whose clock its deadline is on.
//
// If the deadline is earlier than what the parked holder is sleeping until,
// Arm unparks it, so the timer is not fired late. A deadline already past
// fires at the next Park.
func (d *Driver) Arm(t *Timer, deadline timewheel.Tick, w Waker, hint int) {
	if t.Pending() {
		panic("corio/driver: Arm of a pending timer")
	}
	if w == nil {
		panic("corio/driver: Arm with a nil Waker")
	}
	s := d.shardOf(t, hint)
	// A plain store: the entry is not pending, so no fire reads the
	// waker now, and the insert's lock publishes it.
	t.entry.Init(w)
	s.insert(t, deadline)
	d.armed(deadline)
}

// armed follows the insertion of timers whose earliest deadline is
// earliest: it unparks the parked holder if that sleeps past it, and starts
// the default driver's background goroutine. See Park for why this load,
// made after the inserts, cannot miss a holder that parks past earliest.
func (d *Driver) armed(earliest timewheel.Tick) {
	if uint64(earliest) < d.parkedUntil.Load() {
		d.Unpark()
	}
	if d.bg != nil {
		d.bg.ensureRunning(d)
	}
}

// shardOf returns the shard to arm t, which is not pending, on: the one it
// was armed on before if that is d's, else a new one (shardFor). A timer
// reused on another driver must not go back to its old driver's wheel,
// where that driver's clock, not d's, would fire it, or nothing would.
func (d *Driver) shardOf(t *Timer, hint int) *shard {
	if s := t.shardOf(); s != nil && s.drv == d {
		return s
	}
	return d.shardFor(t, hint)
}

// shardFor picks t's shard: hint modulo the shard count, or a hash of t's
// address (Fibonacci hashing; the low bits of an address are its size class
// alignment, so they are mixed in by the multiply rather than used directly).
func (d *Driver) shardFor(t *Timer, hint int) *shard {
	if d.shardMask == 0 {
		return &d.shards[0]
	}
	var i uint32
	if hint >= 0 {
		i = uint32(hint)
	} else {
		h := uint64(uintptr(unsafe.Pointer(t))) * 0x9E3779B97F4A7C15
		i = uint32(h >> 40)
	}
	return &d.shards[i&d.shardMask]
}

// Cancel disarms t and reports whether it was pending: true means the waker
// will not be woken by this arming. Cancelling a timer that was never armed,
// already fired or was cancelled takes no lock and returns false; so does
// cancel after fire, which is always safe. Cancelling a pending timer is one
// lock pair and no other atomic write; cancelling a deferred one takes it out
// of its Batch (no lock, no clock), after which t may be armed again or
// overwritten at once.
func (d *Driver) Cancel(t *Timer) bool {
	if t.entry.State() != timewheel.Pending {
		// never armed (Idle), fired, cancelled, or deferred in a Batch
		return t.entry.Undefer()
	}
	s := t.shardOf()
	ok, empty := s.cancel(t)
	if ok && empty && d.bg != nil {
		d.bg.maybeIdle(d, s)
	}
	return ok
}

// SetWaker makes a pending t wake w instead of the waker it was armed with,
// keeping its deadline, and reports whether t is still pending. It does
// nothing when w is already t's waker (the common case: a task re-polling its
// own timer). If t fired meanwhile it returns false and the caller should treat
// the timer as fired.
func (d *Driver) SetWaker(t *Timer, w Waker) bool {
	// Compared as the wheel's Waker type, which the entry holds: an
	// interface value's first word names the interface type too.
	if sameWaker(t.entry.Waker(), timewheel.Waker(w)) {
		return t.Pending()
	}
	if t.entry.Deferred() {
		t.entry.Init(w) // the owner's field until the flush inserts it
		return true
	}
	s := t.shardOf()
	if s == nil {
		return false
	}
	return s.setWaker(t, w)
}

// Timers returns the number of timers armed and neither fired nor cancelled,
// summed over the shards (each read under its lock; the sum is a snapshot).
// Timers deferred in a Batch are not counted until it is flushed.
func (d *Driver) Timers() int {
	n := 0
	for i := range d.shards {
		n += d.shards[i].len()
	}
	return n
}

// sameWaker reports whether a and b are certainly the same waker: the same
// dynamic type and the same data word. For pointer-shaped wakers (pointers,
// funcs, maps, channels: every waker corio makes) that is identity; for other
// types it may report false for equal values, which costs a needless re-arm,
// never a wrong answer. Comparing with == would panic on a non-comparable
// waker type (a struct holding a slice, say), which a Context made by hand
// may carry.
func sameWaker(a, b timewheel.Waker) bool {
	type iface struct{ tab, data unsafe.Pointer }
	return *(*iface)(unsafe.Pointer(&a)) == *(*iface)(unsafe.Pointer(&b))
}
