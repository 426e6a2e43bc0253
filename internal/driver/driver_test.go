package driver

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/timewheel"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// countWaker counts its wake-ups.
type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake() { w.n.Add(1) }

func newPaused(t *testing.T) (*Driver, *timewheel.ManualClock) {
	t.Helper()
	clk := timewheel.NewManualClock(time.Unix(1_700_000_000, 0))
	d, err := New(Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, clk
}

func TestParkFiresDueTimerPaused(t *testing.T) {
	d, _ := newPaused(t)
	var w countWaker
	var tm Timer
	d.Arm(&tm, d.DeadlineAfter(time.Second), &w, -1)
	if !d.TryLock() {
		t.Fatal("TryLock failed on a fresh driver")
	}
	defer d.Unlock()
	if d.TryLock() {
		t.Fatal("second TryLock succeeded")
	}
	d.Park(0, false)
	if w.n.Load() != 0 || !tm.Pending() {
		t.Fatal("timer fired before its deadline")
	}
	d.Advance(time.Second)
	d.Park(-1, false) // the Unpark in Advance makes this return
	if w.n.Load() != 1 || !tm.Fired() {
		t.Fatalf("wakes=%d fired=%v, want 1 true", w.n.Load(), tm.Fired())
	}
}

func TestAutoAdvance(t *testing.T) {
	d, clk := newPaused(t)
	var w countWaker
	var tm Timer
	d.Arm(&tm, d.DeadlineAfter(time.Hour), &w, -1)
	d.TryLock()
	defer d.Unlock()
	d.Park(-1, true)
	if !tm.Fired() || w.n.Load() != 1 {
		t.Fatal("auto-advance did not fire the timer")
	}
	if got := clk.Elapsed(); got != time.Hour {
		t.Fatalf("clock at %v, want 1h", got)
	}
}
