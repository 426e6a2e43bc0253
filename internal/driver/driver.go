package driver

import (
	"errors"
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/poller"
	"github.com/corio-go/corio/timewheel"
)

// Waker is what a timer or a readiness registration wakes: in corio, a task.
// Wake must only schedule (push the task on a queue), never run it: it is
// called on the goroutine that parks in the driver. It is the poller's Waker,
// so that one Sink takes the wakers of both.
type Waker = poller.Waker

// A Sink takes the wakers of a ParkTo — of ready descriptors and of fired
// timers — in place of calling their Wake. Dispatch runs on the parking
// goroutine, with no driver or poller lock held, and must not block. A
// scheduler passes the parking worker, which queues the tasks it recognises
// on its own queue (see package rt).
type Sink = poller.Sink

// Config configures a Driver. The zero Config is a driver on the real clock
// with one timer shard per GOMAXPROCS.
type Config struct {
	// Clock is the clock timers are measured on. nil means a real clock
	// started by New. A *timewheel.ManualClock makes the driver paused:
	// time moves only by Advance, or by Park's auto-advance.
	Clock timewheel.Clock

	// TimerShards is the number of timer wheels, each behind its own mutex
	// (see the package documentation). 0 means runtime.GOMAXPROCS(0). It is
	// rounded up to a power of two and capped at maxShards.
	TimerShards int
}

// maxShards caps Config.TimerShards: Park visits every shard, so more shards
// than workers only lengthen the park path. 64 covers any worker count the
// multi-thread runtime is likely to be given.
const maxShards = 64

// parked-until encodings in Driver.parkedUntil (see Park and Arm).
const (
	notParked  = 0              // no holder is about to block: arming never unparks
	parkedLong = math.MaxUint64 // the holder blocks with no timer bound (or is computing one)
)

// A Driver is one engine for readiness and time: a poller.Poller for
// descriptors, sharded locked timer wheels (timewheel.Wheel) for timers, and the clock both
// are read against. One goroutine at a time drives it (TryLock, Park, Unlock);
// every other method may be called from any goroutine.
type Driver struct {
	clock  timewheel.Clock        // immutable
	manual *timewheel.ManualClock // immutable; non-nil when the clock is paused
	poller *poller.Poller         // immutable

	shards    []shard // immutable slice; each shard guards itself
	shardMask uint32  // immutable: len(shards)-1

	// locked is the drive lock: true while a goroutine holds the right to Park.
	locked atomic.Bool

	// parkedUntil is the tick up to which the lock holder blocks in Poll
	// (notParked, parkedLong or a deadline tick). Stored by the holder only;
	// loaded by Arm after its insert. Ordering partner: the shard mutexes (see
	// Park for the argument).
	parkedUntil atomic.Uint64

	// notified is set by Unpark and cleared by Park once it returns; it tells
	// Park that new work arrived, so a paused clock must not auto-advance,
	// and that it must not block.
	notified atomic.Bool

	// blocking is true while the holder is in a Poll that may block (timeout
	// not zero). Unpark writes the poller's eventfd only then; otherwise
	// notified alone makes the holder's next blocking Poll not block. Stored
	// by the holder only. Ordering partner: notified (see Park).
	blocking atomic.Bool

	// wakeups counts the Unparks that woke the poller (tests read it).
	wakeups atomic.Uint64

	closed atomic.Bool

	// bg is non-nil for drivers driven by a background goroutine of their own
	// (Default). Immutable pointer.
	bg *background

	// fireBuf is the lock holder's buffer for the wakers of firing timers.
	fireBuf []timewheel.Waker

	// disp is the sink ParkTo gives the poller (owned by the lock holder).
	disp dispatcher
}

// dispatcher is the poller's sink during a ParkTo: epoll_wait has returned
// once it is called, so it clears blocking (an Unpark from now on, even one
// that the dispatched wakers cause, costs no eventfd write), then hands the
// waker on to the caller's sink, or wakes it.
type dispatcher struct {
	d    *Driver
	sink Sink
}

func (x *dispatcher) Dispatch(w Waker) {
	if x.d.blocking.Load() {
		x.d.blocking.Store(false)
	}
	if x.sink != nil {
		x.sink.Dispatch(w)
	} else {
		w.Wake()
	}
}

// ErrClosed is returned by Register after Close.
var ErrClosed = errors.New("corio/driver: driver closed")

// New creates a Driver: a kernel poller and the timer shards.
func New(cfg Config) (*Driver, error) {
	p, err := poller.New()
	if err != nil {
		return nil, err
	}
	d := &Driver{poller: p, clock: cfg.Clock}
	p.SetOwner(d) // a registration finds its driver through its poller
	d.disp.d = d
	if d.clock == nil {
		d.clock = timewheel.NewRealClock()
	}
	d.manual, _ = d.clock.(*timewheel.ManualClock)
	n := cfg.TimerShards
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	n = min(n, maxShards)
	size := 1
	for size < n {
		size <<= 1
	}
	d.shards = make([]shard, size)
	d.shardMask = uint32(size - 1)
	for i := range d.shards {
		d.shards[i].drv = d
	}
	// A wheel starts at tick 0; a clock may already be past it (a manual
	// clock set before New). Position every shard at the current tick so that
	// the first Park does not walk the wheel from zero.
	if now := d.clock.Now(); now > 0 {
		for i := range d.shards {
			d.shards[i].advance(now, nil)
		}
	}
	return d, nil
}

// Clock returns the clock the driver's timers are measured on.
func (d *Driver) Clock() timewheel.Clock { return d.clock }

// Paused reports whether the driver runs on a manual clock.
func (d *Driver) Paused() bool { return d.manual != nil }

// Now returns the driver's current time as an instant: the clock's start plus
// its elapsed time (with the monotonic reading, when the clock's start has one).
func (d *Driver) Now() time.Time { return d.clock.Start().Add(d.clock.Elapsed()) }

// TryLock takes the right to Park, without waiting: it returns false if
// another goroutine holds it. At most one goroutine drives the driver.
func (d *Driver) TryLock() bool {
	return !d.locked.Load() && d.locked.CompareAndSwap(false, true)
}

// Unlock gives back the right to Park. Only the holder may call it.
func (d *Driver) Unlock() {
	if !d.locked.Swap(false) {
		panic("corio/driver: Unlock of an unlocked driver")
	}
}

// Park blocks the lock holder until I/O readiness, a timer's deadline, an
// Unpark or the timeout, then fires every due timer and wakes ready I/O (the
// wakers only schedule). timeout < 0 means no limit of the caller's own;
// timeout == 0 polls without blocking. Park may return early, with nothing
// done: callers re-check their queues and park again.
//
// autoAdvance applies to a paused driver only: when nothing is ready (no event,
// no Unpark, no timer due), Park moves the clock forward to the next timer's
// deadline and fires it instead of blocking — Tokio's start_paused
// auto-advance. A scheduler passes true only when every one of its workers is
// idle. The flag is read when Park starts: if the holder parked with false
// and the other workers go idle afterwards, the last of them must Unpark the
// driver so that the holder parks again with true, or a paused runtime whose
// tasks all wait on timers stops. On a real clock autoAdvance is ignored.
//
// Park after Close returns at once.
func (d *Driver) Park(timeout time.Duration, autoAdvance bool) {
	d.ParkTo(timeout, autoAdvance, nil)
}

// ParkTo is Park with the wakers of ready descriptors and fired timers handed
// to s (s.Dispatch(w) instead of w.Wake()). A nil s is Park.
//
// It reports what the turn did, for the caller's metrics: events is the
// number of readiness events the poller dispatched, fired the number of
// timers that fired (auto-advance included). Both are 0 after Close.
func (d *Driver) ParkTo(timeout time.Duration, autoAdvance bool, s Sink) (events, fired int) {
	return d.ParkToN(timeout, autoAdvance, 0, s)
}

// ParkToN is ParkTo collecting at most maxEvents readiness events in this
// turn (maxEvents <= 0: the poller's batch size); the others stay queued in
// the kernel for the next turn (poller.PollToN). A scheduler passes the
// room left in the queue the sink fills, so that a turn queues no more
// tasks than that queue holds. Timers that are due all fire.
func (d *Driver) ParkToN(timeout time.Duration, autoAdvance bool, maxEvents int, s Sink) (events, fired int) {
	if d.closed.Load() {
		return 0, 0
	}
	pollTimeout := timeout
	if timeout != 0 {
		// Lost-wake-up argument for timers armed while we compute the
		// timeout (all atomics sequentially consistent): we store
		// parkedLong before reading any shard, and lower it to the
		// computed deadline after. Arm inserts under a shard lock and
		// loads parkedUntil after. If our read of that shard came after
		// the insert, the computed deadline includes it; otherwise the
		// insert's lock release follows our read, which follows our store
		// of parkedLong, so Arm loads parkedLong or our final deadline —
		// and unparks if its deadline is earlier. Storing the final value
		// can only lower the bound below what an Arm already compared.
		d.parkedUntil.Store(parkedLong)
	}
	next, hasNext := d.nextExpiration()
	var now timewheel.Tick
	if hasNext {
		now = d.clock.Now() // no timer, no clock read: the first case needs it only then
	}
	switch {
	case hasNext && next <= now:
		pollTimeout = 0 // a timer is already due
	case d.manual != nil:
		if hasNext && autoAdvance {
			pollTimeout = 0 // look for I/O first, then jump the clock
		}
	case hasNext:
		untilNext := timewheel.TicksToDuration(next) - d.clock.Elapsed()
		if untilNext < 0 {
			untilNext = 0
		}
		if pollTimeout < 0 || untilNext < pollTimeout {
			pollTimeout = untilNext
		}
	}
	if timeout != 0 && d.manual == nil {
		// Publish the tick we wake by at the latest: the next timer, or the
		// caller's timeout, whichever is first. (On a paused clock
		// parkedLong stays: any arming may already be due.)
		until := uint64(parkedLong)
		if hasNext {
			until = uint64(next)
		}
		if timeout > 0 {
			until = min(until, uint64(timewheel.DeadlineAfter(d.clock, timeout)))
		}
		d.parkedUntil.Store(until)
	}
	if pollTimeout != 0 {
		// Unpark writes the eventfd only while we may block: we store
		// blocking and then load notified, Unpark stores notified and then
		// loads blocking (sequentially consistent), so either we see its
		// notification and do not block, or it sees us blocking and wakes
		// the poller. An Unpark while we run (dispatch, timers, tasks) costs
		// no syscall, and its eventfd need not be drained.
		d.blocking.Store(true)
		if d.notified.Load() {
			pollTimeout = 0
		}
	}
	d.disp.sink = s
	n, err := d.poller.PollToN(pollTimeout, maxEvents, &d.disp)
	d.disp.sink = nil
	d.blocking.Store(false)
	d.parkedUntil.Store(notParked)
	if err != nil {
		d.notified.Store(false)
		if errors.Is(err, poller.ErrClosed) {
			return 0, 0
		}
		panic("corio/driver: poll: " + err.Error())
	}
	fired = d.fireDue(s)
	// Consumed after the wakers ran, so an Unpark that they caused (or that
	// came while they ran) does not make the next Park return at once: the
	// caller re-checks its queues after this one returns.
	notified := d.notified.Swap(false)
	if d.manual != nil && autoAdvance && n == 0 && !notified && fired == 0 {
		fired = d.autoAdvance(s)
	}
	return n, fired
}

// autoAdvance jumps a paused clock to the next timer and fires what is due,
// repeating while the wheel only cascades (NextExpiration may name the start
// of a coarser slot, which fires nothing). It returns how many timers fired.
func (d *Driver) autoAdvance(s Sink) int {
	for {
		next, ok := d.nextExpiration()
		if !ok {
			return 0
		}
		if at := timewheel.TicksToDuration(next); at > d.manual.Elapsed() {
			d.manual.Set(at)
		}
		if n := d.fire(d.clock.Now(), s); n > 0 {
			return n
		}
	}
}

// nextExpiration is the earliest NextExpiration over the shards; it skips
// shards not busy without their locks (and clears busy on empty ones).
func (d *Driver) nextExpiration() (timewheel.Tick, bool) {
	var next timewheel.Tick
	found := false
	for i := range d.shards {
		if !d.shards[i].busy.Load() {
			continue
		}
		if t, ok := d.shards[i].nextExpiration(); ok && (!found || t < next) {
			next, found = t, true
		}
	}
	return next, found
}

// fireDue is fire at the clock's current tick, read only if a shard is busy:
// a server with no timer armed parks without reading the clock.
func (d *Driver) fireDue(sink Sink) int {
	for i := range d.shards {
		if d.shards[i].busy.Load() {
			return d.fire(d.clock.Now(), sink)
		}
	}
	return 0
}

// fire advances every busy shard to now, wakes the timers that fired (after
// each shard's lock is released; through sink when not nil) and returns how many
// fired. Only the lock holder calls it; fireBuf is its buffer.
func (d *Driver) fire(now timewheel.Tick, sink Sink) int {
	fired := 0
	for i := range d.shards {
		s := &d.shards[i]
		if !s.busy.Load() {
			continue // nothing to fire; its position catches up later
		}
		buf := s.advance(now, d.fireBuf[:0])
		for j, w := range buf {
			if sink != nil {
				sink.Dispatch(w)
			} else {
				w.Wake()
			}
			buf[j] = nil // keep no task reachable from the buffer
		}
		fired += len(buf)
		d.fireBuf = buf[:0]
	}
	return fired
}

// Unpark makes the current Park, or the next one if none is in progress,
// return promptly. Any goroutine may call it; calls coalesce: while one is
// pending, another costs an atomic load.
func (d *Driver) Unpark() {
	if d.notified.Load() {
		return
	}
	d.notified.Store(true)
	if d.blocking.Load() {
		d.wakeups.Add(1)
		d.poller.Wakeup()
	}
}

// Advance moves a paused driver's clock forward by dur and unparks the driver
// so that the timers now due fire. It panics on a real clock.
func (d *Driver) Advance(dur time.Duration) {
	if d.manual == nil {
		panic("corio/driver: Advance on a driver with a real clock")
	}
	d.manual.Advance(dur)
	d.Unpark()
}

// Close releases the poller: a Park in progress returns, later Parks return at
// once, every registration is shut down (its waiters woken). Pending timers
// never fire after Close; their owners are expected to be cancelled by the
// runtime's shutdown. Close is idempotent. The Default driver must not be
// closed (it panics).
func (d *Driver) Close() error {
	if d.bg != nil {
		panic("corio/driver: Close of the default driver")
	}
	if d.closed.Swap(true) {
		return nil
	}
	return d.poller.Close()
}
