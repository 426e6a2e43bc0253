package driver

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/timewheel"
)

// countingClock is a real clock that counts its Now calls.
type countingClock struct {
	timewheel.Clock
	nows atomic.Int64
}

func (c *countingClock) Now() timewheel.Tick {
	c.nows.Add(1)
	return c.Clock.Now()
}

// TestParkWithoutTimersReadsNoClock: a park with no timer armed reads no
// clock (a busy server parks often and arms none); with a timer armed it
// does, and the timer fires.
func TestParkWithoutTimersReadsNoClock(t *testing.T) {
	clk := &countingClock{Clock: timewheel.NewRealClock()}
	d, err := New(Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.TryLock()
	defer d.Unlock()
	clk.nows.Store(0) // New positions the wheels at the clock's tick
	d.Park(0, false)
	d.Park(time.Millisecond, false)
	if n := clk.nows.Load(); n != 0 {
		t.Fatalf("a park with no timer read the clock %d times", n)
	}
	var w countWaker
	var tm Timer
	d.Arm(&tm, d.DeadlineAfter(time.Millisecond), &w, -1)
	for w.n.Load() == 0 {
		d.Park(time.Millisecond, false)
	}
	if clk.nows.Load() == 0 {
		t.Fatal("timer fired without a clock read")
	}
}
