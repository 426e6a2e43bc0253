package timewheel

import (
	"math"
	"sync/atomic"
	"time"
)

// TickDuration is the length of one Tick: the wheel's resolution.
const TickDuration = time.Millisecond

// maxTickDuration is the largest Tick whose duration fits a time.Duration:
// (2^63-1) ns / 10^6 ns per tick ≈ 9.2e12 ticks ≈ 292 years.
const maxTickDuration = Tick(math.MaxInt64 / int64(TickDuration))

// Clock is a monotonic time source measured from a start instant. Ticks are
// whole milliseconds since that start.
//
// Implementations are safe for concurrent use, and Elapsed never decreases.
type Clock interface {
	// Now returns the current tick: Elapsed rounded down to whole ticks.
	// The driver calls AdvanceTo(clock.Now()); rounding down here and up in
	// DeadlineAfter is what keeps a timer from firing early.
	Now() Tick
	// Elapsed returns the exact time since Start.
	Elapsed() time.Duration
	// Start returns the instant tick 0 stands for.
	Start() time.Time
}

// DurationToTicks converts d to ticks, rounding up: 1ns becomes 1 tick,
// 1ms is 1 tick, 1.000001ms is 2. Durations <= 0 give 0.
func DurationToTicks(d time.Duration) Tick {
	if d <= 0 {
		return 0
	}
	t := Tick(d / TickDuration)
	if d%TickDuration != 0 {
		t++
	}
	return t
}

// TicksToDuration converts t to a duration, saturating at the largest
// time.Duration (~292 years).
func TicksToDuration(t Tick) time.Duration {
	if t > maxTickDuration {
		return math.MaxInt64
	}
	return time.Duration(t) * TickDuration
}

// DeadlineAfter returns the deadline tick of a timer of duration d started
// now on c: the first tick at or after the exact instant Elapsed()+d. Since
// AdvanceTo is driven with c.Now() (rounded down), such a timer fires no
// earlier than d after this call. d <= 0 gives c.Now(), due at the next
// AdvanceTo(c.Now()).
func DeadlineAfter(c Clock, d time.Duration) Tick {
	if d <= 0 {
		return c.Now()
	}
	el := c.Elapsed()
	if d > math.MaxInt64-el {
		d = math.MaxInt64 - el // saturate: ~292 years is "never" for a timer
	}
	return DurationToTicks(el + d)
}

// DeadlineAt returns the deadline tick for the instant t on c: the first tick
// at or after t, so a timer with that deadline fires no earlier than t. An
// instant before c's start gives tick 0 (due). t and c.Start() are compared
// with their monotonic readings when both have one (time.Now does).
func DeadlineAt(c Clock, t time.Time) Tick {
	return DurationToTicks(t.Sub(c.Start()))
}

// RealClock is the monotonic clock of the process (time.Now's monotonic
// reading), measured from the instant NewRealClock was called.
type RealClock struct {
	start time.Time // immutable; carries a monotonic reading
}

// NewRealClock returns a clock whose tick 0 is now.
func NewRealClock() *RealClock {
	return &RealClock{start: time.Now()}
}

// Now implements Clock.
func (c *RealClock) Now() Tick { return Tick(c.Elapsed() / TickDuration) }

// Elapsed implements Clock: time.Since(Start()) on the monotonic clock.
func (c *RealClock) Elapsed() time.Duration {
	d := time.Since(c.start)
	if d < 0 { // cannot happen with a monotonic reading; be safe.
		d = 0
	}
	return d
}

// Start implements Clock.
func (c *RealClock) Start() time.Time { return c.start }

// ManualClock is a paused clock for tests: it moves only when told, by
// Advance or Set. Its methods are safe for concurrent use.
//
// The zero ManualClock reads 0 and starts at the zero time.Time.
type ManualClock struct {
	start   time.Time    // immutable after NewManualClock
	elapsed atomic.Int64 // nanoseconds since start; only grows
}

// NewManualClock returns a paused clock reading 0, whose tick 0 stands for
// the instant start (used only by DeadlineAt).
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{start: start}
}

// Now implements Clock.
func (c *ManualClock) Now() Tick { return Tick(c.Elapsed() / TickDuration) }

// Elapsed implements Clock.
func (c *ManualClock) Elapsed() time.Duration { return time.Duration(c.elapsed.Load()) }

// Start implements Clock.
func (c *ManualClock) Start() time.Time { return c.start }

// Advance moves the clock forward by d, which must not be negative (a Clock
// is monotonic; Advance panics otherwise), and returns the new Elapsed.
func (c *ManualClock) Advance(d time.Duration) time.Duration {
	if d < 0 {
		panic("corio/timewheel: ManualClock.Advance by a negative duration")
	}
	return time.Duration(c.elapsed.Add(int64(d)))
}

// Set moves the clock to elapsed since its start. It panics if that is
// earlier than the current reading (a Clock is monotonic).
func (c *ManualClock) Set(elapsed time.Duration) {
	for {
		old := c.elapsed.Load()
		if int64(elapsed) < old {
			panic("corio/timewheel: ManualClock.Set backwards")
		}
		if c.elapsed.CompareAndSwap(old, int64(elapsed)) {
			return
		}
	}
}
