package rt

import (
	"context"
	"time"

	"github.com/corio-go/corio/internal/driver"
	"github.com/corio-go/corio/timewheel"
)

// Time.
//
// Every time operation comes as twins: the blocking form (Sleep) for plain Go
// code, which runs the future form on the calling goroutine with Await, and
// the XAsync future (SleepAsync) for async functions, where the generator
// turns a call of Sleep into an await of SleepAsync. Time is read from the
// driver of the runtime that polls the future (see driverOf): the real clock,
// or a paused one in tests, where an idle runtime jumps to the next timer.
// Timers have the driver's resolution: whole milliseconds, rounded up, so a
// timer never fires early and may fire up to about a millisecond late (more
// when the runtime is busy). A sleep reused on another runtime (Reset after
// a poll on the first) arms its timer on the driver that polls it then.
//
// Deferred arming. Inside a runtime, the first poll of a Sleep or a Timeout
// neither reads the clock nor takes a lock: it records its timer (duration
// and waker, in the timer's own fields) on the polling Context's batch, and
// the scheduler arms the whole batch when the task's poll returns — one clock
// reading for every timer the poll armed, one lock pair per timer shard, one
// unpark check. A timer cancelled before then (a Timeout around an operation
// that completes in the same poll, a Select whose other branch wins) leaves
// the batch and never touches the clock or a wheel. So a relative timer's
// duration is measured from the end of the poll that armed it, not from the
// arming itself: it never completes early by either measure, and it may
// start later than it would have by what remained of that poll (usually
// microseconds; at most the poll's length, which the cooperative budget
// bounds for leaf-heavy polls but not for CPU-bound code between awaits).
// Every place that polls with a runtime's Context flushes after the poll:
// both schedulers' task polls, the main future of BlockOn, a re-poll in
// place after a yield, and a poll that panicked. Contexts outside a runtime
// (NewContext, direct-mode Await) arm at once, as do SleepUntil (its
// instant must be compared with the clock at once: one past is ready at
// its first poll) and Interval (it reads the clock at every tick anyway to
// place the tick on its schedule).

// Now returns the current time of the process default driver's clock: the
// real monotonic clock. It is the direct mode of NowAsync; inside an async
// function a call of Now reads the running runtime's clock instead, which is
// what a test on a paused clock needs. Hand-written futures use cx.Now().
func Now() time.Time { return driver.Default().Now() }

// NowAsync returns a future that is ready at its first poll with the clock
// reading of the runtime polling it (the paused clock of a test runtime, the
// real clock otherwise). It allocates nothing and spends no budget: it never
// waits, so it cannot starve other tasks.
func NowAsync() Future[time.Time] { return nowFuture{} }

type nowFuture struct{}

func (nowFuture) Poll(cx *Context) (time.Time, bool) { return cx.Now(), true }

// Now returns the current time on the clock of the driver cx's leaves use:
// the runtime's clock inside a runtime, the real clock otherwise.
func (cx *Context) Now() time.Time { return driverOf(cx).Now() }

// Sleep blocks the calling goroutine for at least d (direct mode of
// SleepAsync). d <= 0 returns at once. Timers have millisecond resolution:
// the deadline is rounded up, so Sleep may return up to about a millisecond
// after d (more on a busy runtime), never before.
//
// In plain Go it sleeps on the process default driver. In an async function
// asyncgen turns a call of Sleep into an await of SleepAsync, which suspends
// the task instead; a hand-written Poll must use SleepAsync, since Sleep, like
// Await, panics if called from inside a task.
func Sleep(d time.Duration) { Await(SleepAsync(d)) }

// SleepAsync returns a future that becomes ready once d has passed on the
// runtime's clock, measured from its first poll — inside a runtime, from the
// end of the task poll that first polled it (deferred arming, above).
// Creating it takes no lock and touches no timer: the timer is armed at the
// first poll, so a sleep that is dropped or cancelled before it is polled
// costs one allocation and nothing else; one cancelled in the poll that
// armed it costs no lock and no clock reading either. Cancel disarms the timer (cancelling after it fired is a
// no-op). It spends one budget unit per poll.
func SleepAsync(d time.Duration) *SleepFuture {
	return &SleepFuture{dur: d}
}

// MakeSleep returns SleepAsync's future by value, for a caller that keeps it
// in its own state and polls it in place (asyncgen does, by its by-value
// rule): it allocates nothing. It may be copied until its first poll, not
// after: the first poll links its timer into the driver's wheel by address,
// until it completed or was cancelled.
func MakeSleep(d time.Duration) SleepFuture { return SleepFuture{dur: d} }

// MakeSleepUntil returns SleepUntilAsync's future by value; see MakeSleep.
func MakeSleepUntil(at time.Time) SleepFuture {
	return SleepFuture{dur: untilOffset(at), absolute: true}
}

// SleepUntil blocks the calling goroutine until the instant at (direct mode of
// SleepUntilAsync). An instant in the past returns at once.
func SleepUntil(at time.Time) { Await(SleepUntilAsync(at)) }

// SleepUntilAsync returns a future that becomes ready once the runtime's
// clock reaches at. Against a paused clock, at is read on that clock (take it
// from NowAsync or cx.Now()). Like SleepAsync it arms its timer lazily.
func SleepUntilAsync(at time.Time) *SleepFuture {
	return &SleepFuture{dur: untilOffset(at), absolute: true}
}

// SleepFuture is the future of SleepAsync and SleepUntilAsync. Its output is
// struct{} (no results). It is owned by the task polling it: its methods are
// not safe for concurrent use.
//
// A hand-written future may also hold a SleepFuture by value, which makes its
// sleeps allocate nothing: the zero SleepFuture is a sleep of zero (ready at
// its first poll), and Reset or ResetUntil turns it into a new sleep, disarming
// the previous one. Once polled, a SleepFuture must not be copied (its timer is
// linked into the driver's wheel by address) until it completed or was
// cancelled.
type SleepFuture struct {
	timer driver.Timer   // armed at the first poll
	drv   *driver.Driver // nil until the first poll
	// dur is SleepAsync's duration, from the first poll; for
	// SleepUntilAsync (absolute), its instant as an offset from clockBase
	// (untilOffset), 24 bytes fewer than a time.Time in every sleep.
	dur      time.Duration
	absolute bool // dur is an instant (untilOffset), not a duration
	done     bool // completed or cancelled
	armed    bool // the first poll armed the timer (it was not due yet)
}

// untilOffset returns the instant at as an offset from clockBase, the
// process's start-up instant, which carries a monotonic reading: an at that
// has one too (time.Now, cx.Now on the real clock) is kept exactly, and
// until gives back the same instant. For an at with a wall reading only
// (time.Date, a parsed time, a paused clock's reading) the offset is taken
// on the wall clock and until returns the same wall time, so a paused clock
// whose start has no monotonic reading either sees exactly at; against the
// real clock such an instant is placed by the wall clock as it read at
// clockBase (a step of the wall clock between then and the runtime's start
// moves it). Instants beyond about 292 years from clockBase saturate, which
// for a sleep changes nothing (due long ago, or never).
func untilOffset(at time.Time) time.Duration { return at.Sub(clockBase) }

// until is the instant of an absolute sleep (see untilOffset).
func (s *SleepFuture) until() time.Time { return clockBase.Add(s.dur) }

// Reset makes s a sleep of d measured from its next poll, exactly as if it
// had been returned by SleepAsync(d): a timer it armed before is disarmed
// first, and the new one is armed lazily, at the next poll.
func (s *SleepFuture) Reset(d time.Duration) {
	s.Cancel()
	s.drv, s.dur, s.absolute, s.done, s.armed = nil, d, false, false, false
}

// ResetUntil makes s a sleep until the instant at, as SleepUntilAsync(at).
func (s *SleepFuture) ResetUntil(at time.Time) {
	s.Reset(0)
	s.dur, s.absolute = untilOffset(at), true
}

// Poll implements Future.
func (s *SleepFuture) Poll(cx *Context) (struct{}, bool) {
	if s.done {
		return struct{}{}, true
	}
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	if s.drv == nil {
		d := driverOf(cx)
		s.drv = d
		var deadline, now timewheel.Tick
		switch {
		case s.absolute:
			deadline, now = d.DeadlineAt(s.until()), d.Clock().Now()
		case s.dur <= 0:
			s.done = true // due: no timer, no clock reading
			return struct{}{}, true
		case cx.drv != nil:
			// Deferred to the end of the task's poll (see above).
			d.ArmDeferred(&cx.timers, &s.timer, s.dur, cx.Waker())
			s.armed = true
			return struct{}{}, false
		default:
			deadline, now = d.Deadline(s.dur) // one clock reading
		}
		if deadline <= now {
			s.done = true // already due: no timer at all
			return struct{}{}, true
		}
		d.Arm(&s.timer, deadline, cx.Waker(), timerShardHint(cx))
		s.armed = true
		return struct{}{}, false
	}
	if s.timer.Fired() || !s.drv.SetWaker(&s.timer, cx.Waker()) {
		s.done = true
		return struct{}{}, true
	}
	return struct{}{}, false
}

// Cancel disarms the timer. It is a no-op before the first poll (nothing was
// armed) and after the timer fired.
func (s *SleepFuture) Cancel() {
	if s.drv != nil && !s.done {
		s.drv.Cancel(&s.timer)
	}
	s.done = true
}

// Deadline returns the instant the sleep completes at, on its driver's clock,
// and false before the first poll (when the clock it is measured on is not
// known yet).
func (s *SleepFuture) Deadline() (time.Time, bool) {
	if s.drv == nil {
		return time.Time{}, false
	}
	if s.absolute && !s.armed {
		return s.until(), true
	}
	if !s.armed {
		return s.drv.Now(), true // was due at its first poll
	}
	// For a timer still deferred (asked during the poll that armed it):
	// the deadline if the poll ended now, a lower bound.
	return s.drv.TickTime(s.drv.DeadlineOf(&s.timer)), true
}

// ErrTimeout is the error Timeout's futures return when the time ran out,
// wrapped with the duration. errors.Is(err, ErrTimeout) and
// errors.Is(err, context.DeadlineExceeded) both hold for it, so code written
// against the context package recognizes a corio timeout.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string { return "corio/rt: timeout" }

// Is makes ErrTimeout match context.DeadlineExceeded.
func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports a timeout in the style of net.Error.
func (timeoutError) Timeout() bool { return true }

// elapsedError is what Timeout returns: ErrTimeout with the duration.
type elapsedError struct{ after time.Duration }

func (e *elapsedError) Error() string { return "corio/rt: timed out after " + e.after.String() }
func (e *elapsedError) Unwrap() error { return ErrTimeout }
func (e *elapsedError) Timeout() bool { return true }

// Timeout runs f to completion on the calling goroutine unless d passes
// first (direct mode of TimeoutAsync), and returns f's value and nil, or
// f's zero value and an error wrapping ErrTimeout, after cancelling f
// (rt.Cancel). f is a future: to bound an async function F, pass its twin,
// as in v, err := rt.Timeout(time.Second, FAsync(x)); in an async function
// the same line awaits TimeoutAsync.
func Timeout[T any](d time.Duration, f Future[T]) (T, error) {
	out := Await(TimeoutAsync(d, f))
	return out.V0, out.V1
}

// TimeoutAsync returns a future that polls f until it is ready or d has
// passed since the first poll (inside a runtime: since the end of the task
// poll that first polled it; see "Deferred arming" above), whichever comes
// first. Output: (f's value,
// nil), or (zero, an error wrapping ErrTimeout) — in which case f was
// cancelled with rt.Cancel before the timeout future returned. f is polled
// before the timer is looked at, so a future ready at the same poll as the
// deadline wins. The timer is checked regardless of the task's budget, so an
// inner future that keeps exhausting the budget still times out. Cancel
// cancels f and the timer.
func TimeoutAsync[T any](d time.Duration, f Future[T]) Future[Tuple2[T, error]] {
	return &TimeoutFuture[T]{f: f, dur: d}
}

// MakeTimeout returns TimeoutAsync's future by value, for a caller that keeps
// it in its own state and polls it in place (asyncgen does, by its by-value
// rule): the timeout then allocates nothing, its timer being part of the
// value. Like MakeSleep's, it may be copied until its first poll, not after
// (the first poll links its timer into the driver's wheel by address), until
// it completed or was cancelled.
func MakeTimeout[T any](d time.Duration, f Future[T]) TimeoutFuture[T] {
	return TimeoutFuture[T]{f: f, dur: d}
}

// TimeoutFuture is the future of TimeoutAsync and MakeTimeout; see
// TimeoutAsync for what it does. It is owned by the task polling it: its
// methods are not safe for concurrent use. Polling it again after it
// completed panics (its output was handed over); after Cancel it must not be
// polled at all.
type TimeoutFuture[T any] struct {
	f     Future[T]
	timer driver.Timer
	drv   *driver.Driver // nil until the first poll
	dur   time.Duration
	done  bool
}

// Poll implements Future.
func (t *TimeoutFuture[T]) Poll(cx *Context) (Tuple2[T, error], bool) {
	if t.done {
		panic("corio/rt: Timeout future polled after completion")
	}
	if v, ok := t.f.Poll(cx); ok {
		t.done = true
		if t.drv != nil {
			t.drv.Cancel(&t.timer)
		}
		return Tuple2[T, error]{V0: v}, true
	}
	if t.drv == nil {
		d := driverOf(cx)
		t.drv = d
		if t.dur > 0 && cx.drv != nil {
			// Deferred to the end of the task's poll, as a sleep's.
			d.ArmDeferred(&cx.timers, &t.timer, t.dur, cx.Waker())
			return Tuple2[T, error]{}, false
		}
		if deadline, now := d.Deadline(t.dur); deadline > now {
			d.Arm(&t.timer, deadline, cx.Waker(), timerShardHint(cx))
			return Tuple2[T, error]{}, false
		}
	} else if !t.timer.Fired() && t.drv.SetWaker(&t.timer, cx.Waker()) {
		return Tuple2[T, error]{}, false
	}
	t.done = true
	Cancel(t.f)
	return Tuple2[T, error]{V1: &elapsedError{after: t.dur}}, true
}

// Cancel cancels the inner future and disarms the timer. It does nothing
// once the future completed or was cancelled.
func (t *TimeoutFuture[T]) Cancel() {
	if t.done {
		return
	}
	t.done = true
	if t.drv != nil {
		t.drv.Cancel(&t.timer)
	}
	Cancel(t.f)
}

// MissedTickBehavior says what an Interval does when its task was not there
// to take a tick in time (it was busy, or the runtime was): the same three
// choices as Tokio's.
type MissedTickBehavior uint8

const (
	// Burst (the default) delivers every missed tick, back to back, until
	// the interval has caught up with its schedule: ticks stay at
	// start + k·period.
	Burst MissedTickBehavior = iota
	// Delay restarts the schedule from the late tick: the next tick comes a
	// full period after the moment the late one was taken.
	Delay
	// Skip drops the missed ticks and keeps the schedule's phase: the next
	// tick is the next start + k·period still in the future.
	Skip
)

// missedThreshold is how late a tick must be taken to count as missed: 5 ms,
// Tokio's figure; below it lateness is scheduling noise, and Burst is right.
const missedThreshold = 5 * time.Millisecond

// An Interval delivers ticks every period. The first tick is ready at once
// (at the first poll of NewInterval's interval; at start for NewIntervalAt);
// later ones follow the MissedTickBehavior. An Interval belongs to one task:
// at most one Tick or TickAsync may be outstanding, and its methods are not
// safe for concurrent use. Stop it (Cancel on a pending TickAsync future, or
// Stop) to release its timer; an Interval that is merely dropped keeps its
// timer armed until it fires once more.
type Interval struct {
	tick     intervalTick
	period   time.Duration
	behavior MissedTickBehavior
	start    time.Time // NewIntervalAt's first tick; zero: first poll
	hasStart bool
	next     time.Duration  // elapsed-since-clock-start of the next tick; valid once drv is set
	drv      *driver.Driver // nil until the first poll
}

// NewInterval returns an Interval whose first tick is ready at once and whose
// ticks then come every period. It panics if period <= 0.
func NewInterval(period time.Duration) *Interval {
	if period <= 0 {
		panic("corio/rt: NewInterval with a non-positive period")
	}
	iv := &Interval{period: period}
	iv.tick.iv = iv
	return iv
}

// NewIntervalAt is NewInterval with the first tick at start (on the clock of
// the runtime that polls it).
func NewIntervalAt(start time.Time, period time.Duration) *Interval {
	iv := NewInterval(period)
	iv.start, iv.hasStart = start, true
	return iv
}

// SetMissedTickBehavior chooses what happens to missed ticks (Burst by
// default).
func (iv *Interval) SetMissedTickBehavior(b MissedTickBehavior) { iv.behavior = b }

// Period returns the interval's period.
func (iv *Interval) Period() time.Duration { return iv.period }

// Tick blocks until the next tick and returns the instant it was scheduled
// for (direct mode of TickAsync).
func (iv *Interval) Tick() time.Time { return Await(iv.TickAsync()) }

// TickAsync returns a future for the next tick; its output is the instant the
// tick was scheduled for (which, for a late tick, is earlier than now). The
// future is part of the Interval: it allocates nothing, and only one may be
// outstanding. Its Cancel disarms the interval's timer; a later TickAsync
// re-arms it, keeping the schedule.
func (iv *Interval) TickAsync() Future[time.Time] { return &iv.tick }

// Reset restarts the schedule: the next tick comes one period from now.
// Before the first poll it does nothing (the first tick is still immediate).
func (iv *Interval) Reset() {
	if iv.drv == nil {
		return
	}
	iv.drv.Cancel(&iv.tick.timer)
	iv.next = iv.drv.Clock().Elapsed() + iv.period
}

// Stop disarms the interval's timer. The Interval may be ticked again later;
// the schedule continues as if the ticks in between were missed.
func (iv *Interval) Stop() {
	if iv.drv != nil {
		iv.drv.Cancel(&iv.tick.timer)
	}
}

type intervalTick struct {
	iv    *Interval
	timer driver.Timer
}

func (t *intervalTick) Poll(cx *Context) (time.Time, bool) {
	iv := t.iv
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return time.Time{}, false
	}
	if iv.drv == nil {
		iv.drv = driverOf(cx)
		clk := iv.drv.Clock()
		iv.next = clk.Elapsed()
		if iv.hasStart {
			iv.next = max(iv.start.Sub(clk.Start()), 0)
		}
	}
	d := iv.drv
	clk := d.Clock()
	now := clk.Elapsed()
	if now < iv.next {
		deadline := timewheel.DurationToTicks(iv.next)
		switch {
		case t.timer.Pending() && t.timer.Deadline() == deadline:
			if d.SetWaker(&t.timer, cx.Waker()) {
				return time.Time{}, false
			}
			now = clk.Elapsed() // fired meanwhile
		case deadline <= clk.Now():
			// due within this tick already: fall through to deliver
		default:
			d.Cancel(&t.timer)
			d.Arm(&t.timer, deadline, cx.Waker(), timerShardHint(cx))
			return time.Time{}, false
		}
		now = max(now, iv.next)
	}
	scheduled := iv.next
	switch late := now - scheduled; {
	case late <= missedThreshold || iv.behavior == Burst:
		iv.next = scheduled + iv.period
	case iv.behavior == Delay:
		iv.next = now + iv.period
	default: // Skip
		iv.next = now + iv.period - late%iv.period
	}
	return clk.Start().Add(scheduled), true
}

// Cancel disarms the interval's timer (see Interval.TickAsync).
func (t *intervalTick) Cancel() { t.iv.Stop() }
