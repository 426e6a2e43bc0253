package timewheel

import (
	"math"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestDurationToTicksRoundsUp(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want Tick
	}{
		{-time.Second, 0},
		{0, 0},
		{1, 1},
		{time.Millisecond - 1, 1},
		{time.Millisecond, 1},
		{time.Millisecond + 1, 2},
		{1500 * time.Microsecond, 2},
		{64 * time.Millisecond, 64},
		{time.Hour, 3600000},
		{math.MaxInt64, 9223372036855},
	} {
		if got := DurationToTicks(c.d); got != c.want {
			t.Errorf("DurationToTicks(%v) = %d, want %d", c.d, got, c.want)
		}
	}
	if got := TicksToDuration(64); got != 64*time.Millisecond {
		t.Errorf("TicksToDuration(64) = %v", got)
	}
	if got := TicksToDuration(math.MaxUint64); got != math.MaxInt64 {
		t.Errorf("TicksToDuration(max) = %v, want saturation", got)
	}
}

func TestManualClock(t *testing.T) {
	var c ManualClock
	if c.Now() != 0 || c.Elapsed() != 0 || !c.Start().IsZero() {
		t.Fatal("zero ManualClock does not read 0 at the zero time")
	}
	c.Advance(1500 * time.Microsecond)
	if c.Now() != 1 || c.Elapsed() != 1500*time.Microsecond {
		t.Fatalf("after 1.5ms: Now %d Elapsed %v", c.Now(), c.Elapsed())
	}
	// 1.5 ms + 1 ms = 2.5 ms: the first tick not before it is 3.
	if d := DeadlineAfter(&c, time.Millisecond); d != 3 {
		t.Fatalf("DeadlineAfter(1ms) at 1.5ms = %d, want 3", d)
	}
	if d := DeadlineAfter(&c, 0); d != 1 {
		t.Fatalf("DeadlineAfter(0) = %d, want Now() = 1", d)
	}
	if d := DeadlineAfter(&c, math.MaxInt64); d != DurationToTicks(math.MaxInt64) {
		t.Fatalf("DeadlineAfter(max) = %d, want saturation", d)
	}
	c.Set(5 * time.Millisecond)
	c.Set(5 * time.Millisecond) // same reading: allowed
	if c.Now() != 5 {
		t.Fatalf("after Set(5ms): Now %d", c.Now())
	}

	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c2 := NewManualClock(start)
	if d := DeadlineAt(c2, start.Add(2500*time.Microsecond)); d != 3 {
		t.Fatalf("DeadlineAt(start+2.5ms) = %d, want 3", d)
	}
	if d := DeadlineAt(c2, start.Add(-time.Hour)); d != 0 {
		t.Fatalf("DeadlineAt(before start) = %d, want 0", d)
	}
}

func TestManualClockConcurrentAdvance(t *testing.T) {
	var c ManualClock
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				c.Advance(time.Microsecond)
				_ = c.Now()
			}
		})
	}
	wg.Wait()
	if c.Elapsed() != 4000*time.Microsecond {
		t.Fatalf("Elapsed = %v, want 4ms", c.Elapsed())
	}
}

// TestRealClock checks only orderings, never wall-clock bounds.
func TestRealClock(t *testing.T) {
	c := NewRealClock()
	prev := c.Elapsed()
	for range 100 {
		el := c.Elapsed()
		if el < prev {
			t.Fatalf("Elapsed went backwards: %v then %v", prev, el)
		}
		prev = el
	}
	now := c.Now()
	if d := DeadlineAfter(c, 10*time.Millisecond); d < now+10 {
		t.Fatalf("DeadlineAfter(10ms) = %d, before Now()+10 = %d", d, now+10)
	}
	if d := DeadlineAt(c, time.Now().Add(10*time.Millisecond)); d < now+10 {
		t.Fatalf("DeadlineAt(now+10ms) = %d, before %d", d, now+10)
	}
	if c.Start().After(time.Now()) {
		t.Fatal("Start is in the future")
	}
}

// clockTimer checks, from inside Wake, that its duration has fully passed.
type clockTimer struct {
	Entry
	c       *ManualClock
	armedAt time.Duration
	d       time.Duration
	firedAt time.Duration
	fired   bool
	t       *rapid.T
}

func (ct *clockTimer) Wake() {
	ct.fired = true
	ct.firedAt = ct.c.Elapsed()
	if ct.firedAt < ct.armedAt+ct.d {
		ct.t.Fatalf("timer of %v armed at %v fired early, at %v", ct.d, ct.armedAt, ct.firedAt)
	}
}

// TestPropertyNeverEarlyNeverLate drives a wheel from a manual clock moving
// in nanosecond steps, the way the driver will (AdvanceTo(clock.Now())), with
// timers armed through DeadlineAfter: none fires before its duration has
// passed on the clock, and every one has fired once the clock is a tick past.
func TestPropertyNeverEarlyNeverLate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var w Wheel
		c := new(ManualClock)
		var timers []*clockTimer
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		for range steps {
			if rapid.Bool().Draw(t, "arm?") {
				ct := &clockTimer{c: c, t: t, armedAt: c.Elapsed()}
				ct.d = time.Duration(rapid.Int64Range(0, int64(5*time.Second)).Draw(t, "d"))
				ct.Init(ct)
				w.Insert(&ct.Entry, DeadlineAfter(c, ct.d))
				timers = append(timers, ct)
			}
			c.Advance(time.Duration(rapid.Int64Range(0, int64(300*time.Millisecond)).Draw(t, "advance")))
			w.AdvanceTo(c.Now())
			for _, ct := range timers {
				if !ct.fired && c.Elapsed() >= ct.armedAt+ct.d+time.Millisecond {
					t.Fatalf("timer of %v armed at %v not fired at %v", ct.d, ct.armedAt, c.Elapsed())
				}
			}
		}
	})
}
