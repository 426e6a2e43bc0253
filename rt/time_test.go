package rt

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/internal/driver"
	"github.com/corio-go/corio/timewheel"
)

// pausedStart is the instant tick 0 of the test clocks stands for.
var pausedStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// flagWaker records a wake-up and unparks the driver, so a wake from another
// goroutine ends a Park.
type flagWaker struct {
	woken atomic.Bool
	d     *driver.Driver
}

func (w *flagWaker) Wake() {
	w.woken.Store(true)
	w.d.Unpark()
}

// runPaused drives f to completion on a paused driver that auto-advances its
// clock whenever f is idle — what a runtime built on a paused clock does when
// every task is idle — and returns f's output and the virtual time it took.
// It makes the paused driver the one leaves polled without a runtime use.
func runPaused[T any](t *testing.T, f Future[T]) (T, time.Duration) {
	t.Helper()
	d, err := driver.New(driver.Config{Clock: timewheel.NewManualClock(pausedStart)})
	if err != nil {
		t.Fatal(err)
	}
	testDriver.Store(d)
	defer func() {
		testDriver.Store(nil)
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	}()
	if !d.TryLock() {
		t.Fatal("TryLock of a new driver failed")
	}
	defer d.Unlock()
	w := &flagWaker{d: d}
	cx := NewContext(w)
	for {
		cx.reset(w) // a task poll: full budget
		if v, ok := f.Poll(cx); ok {
			return v, d.Clock().Elapsed()
		}
		if !w.woken.Swap(false) {
			d.Park(-1, true)
			w.woken.Store(false)
		}
	}
}

// sleepRecorder completes with the virtual time at which a sleep ended.
func sleepRecorder(d time.Duration, order *[]time.Duration) func(cx *Context) bool {
	s := SleepAsync(d)
	return func(cx *Context) bool {
		if _, ok := s.Poll(cx); !ok {
			return false
		}
		*order = append(*order, cx.Now().Sub(pausedStart))
		return true
	}
}

// all polls every child at each poll until all are ready (a join).
func all(children ...func(cx *Context) bool) Future[struct{}] {
	done := make([]bool, len(children))
	left := len(children)
	return PollFunc(func(cx *Context) (struct{}, bool) {
		for i, c := range children {
			if !done[i] && c(cx) {
				done[i] = true
				left--
			}
		}
		return struct{}{}, left == 0
	})
}

func TestSleepOrderPaused(t *testing.T) {
	var got []time.Duration
	durs := []time.Duration{time.Hour, time.Second, 3 * time.Millisecond, 90 * time.Minute, time.Second + time.Millisecond, 0}
	var steps []func(cx *Context) bool
	for _, d := range durs {
		steps = append(steps, sleepRecorder(d, &got))
	}
	_, took := runPaused(t, all(steps...))
	want := []time.Duration{0, 3 * time.Millisecond, time.Second, time.Second + time.Millisecond, time.Hour, 90 * time.Minute}
	if len(got) != len(want) {
		t.Fatalf("completions %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("completions %v, want %v", got, want)
		}
	}
	if took != 90*time.Minute {
		t.Fatalf("virtual time %v, want 1h30m", took)
	}
}

func TestSleepUntilPaused(t *testing.T) {
	var at time.Time
	_, took := runPaused(t, seq(
		func(cx *Context) bool { at = cx.Now().Add(42 * time.Second); return true },
		await(Future[struct{}](SleepUntilAsync(pausedStart.Add(42*time.Second))), nil),
	))
	if took != 42*time.Second || !at.Equal(pausedStart.Add(42*time.Second)) {
		t.Fatalf("took %v (want 42s), target %v", took, at)
	}
}

func TestSleepCancelBeforePollArmsNothing(t *testing.T) {
	s := SleepAsync(time.Hour)
	s.Cancel()
	if s.timer.Armed() || s.drv != nil {
		t.Fatal("a sleep cancelled before its first poll touched a driver")
	}
	if _, ok := s.Deadline(); ok {
		t.Fatal("Deadline known before the first poll")
	}
}

func TestSleepCancelPendingPaused(t *testing.T) {
	long := SleepAsync(time.Hour)
	polled := false
	_, took := runPaused(t, seq(
		func(cx *Context) bool {
			if !polled {
				polled = true
				if _, ok := long.Poll(cx); ok {
					t.Error("1h sleep ready at once")
				}
				if testDriver.Load().Timers() != 1 {
					t.Errorf("timers armed = %d, want 1", testDriver.Load().Timers())
				}
				long.Cancel()
				if testDriver.Load().Timers() != 0 {
					t.Errorf("timers after Cancel = %d, want 0", testDriver.Load().Timers())
				}
			}
			return true
		},
		await(Future[struct{}](SleepAsync(time.Second)), nil),
	))
	if took != time.Second {
		t.Fatalf("virtual time %v, want 1s: the cancelled 1h timer must not be waited for", took)
	}
}

// TestSleepByValueResetPaused holds one SleepFuture by value and reuses it:
// the zero value is ready at once, Reset of a pending sleep disarms its timer
// (the hour never elapses), Reset after completion sleeps again, and
// ResetUntil sleeps to an instant.
func TestSleepByValueResetPaused(t *testing.T) {
	var s SleepFuture
	step := 0
	_, took := runPaused(t, PollFunc(func(cx *Context) (struct{}, bool) {
		for {
			switch step {
			case 0:
				if _, ok := s.Poll(cx); !ok {
					t.Fatal("zero SleepFuture not ready at its first poll")
				}
				s.Reset(time.Hour)
				if _, ok := s.Poll(cx); ok {
					t.Fatal("1h sleep ready at once")
				}
				if n := testDriver.Load().Timers(); n != 1 {
					t.Fatalf("timers after arming = %d, want 1", n)
				}
				s.Reset(2 * time.Second)
				if n := testDriver.Load().Timers(); n != 0 {
					t.Fatalf("timers after Reset of a pending sleep = %d, want 0", n)
				}
				step = 1
			case 1:
				if _, ok := s.Poll(cx); !ok {
					return struct{}{}, false
				}
				if d, ok := s.Deadline(); !ok || !d.Equal(pausedStart.Add(2*time.Second)) {
					t.Fatalf("Deadline = %v, %v; want start+2s", d, ok)
				}
				s.Reset(3 * time.Second)
				if _, ok := s.Deadline(); ok {
					t.Fatal("Deadline known after Reset, before the next poll")
				}
				step = 2
			case 2:
				if _, ok := s.Poll(cx); !ok {
					return struct{}{}, false
				}
				s.ResetUntil(pausedStart.Add(10 * time.Second))
				step = 3
			case 3:
				if _, ok := s.Poll(cx); !ok {
					return struct{}{}, false
				}
				return struct{}{}, true
			}
		}
	}))
	if took != 10*time.Second {
		t.Fatalf("virtual time %v, want 10s (2s, then 3s, then until 10s)", took)
	}
}

func TestSleepCancelAfterFirePaused(t *testing.T) {
	s := SleepAsync(time.Minute)
	runPaused(t, seq(await(Future[struct{}](s), nil)))
	s.Cancel() // after completion: a no-op
	s.Cancel()
	if !s.timer.Fired() {
		t.Fatal("timer not Fired after the sleep completed")
	}
}

func TestTimeoutCancelsInnerPaused(t *testing.T) {
	inner := &pending{}
	var out Tuple2[struct{}, error]
	_, took := runPaused(t, seq(await(TimeoutAsync[struct{}](time.Hour, inner), &out)))
	if took != time.Hour {
		t.Fatalf("virtual time %v, want 1h", took)
	}
	err := out.V1
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v: want ErrTimeout and context.DeadlineExceeded", err)
	}
	if n := inner.cancels.Load(); n != 1 {
		t.Fatalf("inner cancelled %d times, want 1", n)
	}
}

func TestTimeoutInnerWinsPaused(t *testing.T) {
	var out Tuple2[struct{}, error]
	inner := SleepAsync(time.Second)
	_, took := runPaused(t, seq(
		await(TimeoutAsync[struct{}](time.Hour, inner), &out),
		func(*Context) bool {
			if n := testDriver.Load().Timers(); n != 0 {
				t.Errorf("%d timers left armed after the inner future won", n)
			}
			return true
		},
	))
	if out.V1 != nil || took != time.Second {
		t.Fatalf("err %v after %v, want nil after 1s", out.V1, took)
	}
}

func TestTimeoutCancelPaused(t *testing.T) {
	inner := &pending{}
	f := TimeoutAsync[struct{}](time.Hour, inner)
	runPaused(t, PollFunc(func(cx *Context) (struct{}, bool) {
		if _, ok := f.Poll(cx); ok {
			t.Error("ready at once")
		}
		Cancel(f)
		if n := testDriver.Load().Timers(); n != 0 {
			t.Errorf("%d timers armed after Cancel", n)
		}
		return struct{}{}, true
	}))
	if inner.cancels.Load() != 1 {
		t.Fatalf("inner cancelled %d times, want 1", inner.cancels.Load())
	}
}

// intervalRun ticks iv once, sleeps 35 ms of a 10 ms period (missing ticks),
// then ticks n more times, and returns each tick's scheduled offset and the
// virtual time it was delivered at.
func intervalRun(t *testing.T, b MissedTickBehavior, n int) (sched, at []time.Duration) {
	iv := NewInterval(10 * time.Millisecond)
	iv.SetMissedTickBehavior(b)
	tick := func(cx *Context) bool {
		v, ok := iv.TickAsync().Poll(cx)
		if ok {
			sched = append(sched, v.Sub(pausedStart))
			at = append(at, cx.Now().Sub(pausedStart))
		}
		return ok
	}
	steps := []func(cx *Context) bool{tick, await(Future[struct{}](SleepAsync(35*time.Millisecond)), nil)}
	for range n {
		steps = append(steps, tick)
	}
	runPaused(t, seq(steps...))
	iv.Stop()
	return sched, at
}

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestIntervalBehaviorsPaused(t *testing.T) {
	cases := []struct {
		b         MissedTickBehavior
		sched, at []time.Duration
	}{
		// Burst: the missed 10, 20, 30 come back to back at 35, then 40, 50.
		{Burst, ms(0, 10, 20, 30, 40, 50), ms(0, 35, 35, 35, 40, 50)},
		// Delay: 10 is taken late at 35; the schedule restarts from there.
		{Delay, ms(0, 10, 45, 55, 65, 75), ms(0, 35, 45, 55, 65, 75)},
		// Skip: 10 at 35, then the next multiple of 10 after 35.
		{Skip, ms(0, 10, 40, 50, 60, 70), ms(0, 35, 40, 50, 60, 70)},
	}
	for _, c := range cases {
		sched, at := intervalRun(t, c.b, 5)
		if !equalDurations(sched, c.sched) || !equalDurations(at, c.at) {
			t.Errorf("behaviour %d: scheduled %v at %v; want %v at %v", c.b, sched, at, c.sched, c.at)
		}
	}
}

func TestIntervalHourOfTicksPaused(t *testing.T) {
	iv := NewInterval(time.Second)
	n := 0
	_, took := runPaused(t, PollFunc(func(cx *Context) (struct{}, bool) {
		for n < 3601 {
			if _, ok := iv.TickAsync().Poll(cx); !ok {
				return struct{}{}, false
			}
			n++
		}
		return struct{}{}, true
	}))
	if took != time.Hour {
		t.Fatalf("3601 one-second ticks took %v of virtual time, want 1h", took)
	}
}

func TestNowAsyncPaused(t *testing.T) {
	var before, after time.Time
	runPaused(t, seq(
		await(NowAsync(), &before),
		await(Future[struct{}](SleepAsync(time.Minute)), nil),
		await(NowAsync(), &after),
	))
	if !before.Equal(pausedStart) || after.Sub(before) != time.Minute {
		t.Fatalf("Now %v then %v; want %v then +1m", before, after, pausedStart)
	}
}

// Real-clock tests: lower bounds only, never a tight wall-clock assertion.

func TestSleepDirectRealClock(t *testing.T) {
	start := time.Now()
	Sleep(20 * time.Millisecond)
	if el := time.Since(start); el < 20*time.Millisecond {
		t.Fatalf("Sleep(20ms) returned after %v", el)
	}
	Sleep(0)
	Sleep(-time.Second)
}

func TestTimeoutDirectRealClock(t *testing.T) {
	inner := &pending{}
	_, err := Timeout[struct{}](10*time.Millisecond, inner)
	if !errors.Is(err, context.DeadlineExceeded) || inner.cancels.Load() != 1 {
		t.Fatalf("err %v, cancels %d", err, inner.cancels.Load())
	}
	v, err := Timeout(time.Hour, Ready(7))
	if v != 7 || err != nil {
		t.Fatalf("Timeout(Ready(7)) = %v, %v", v, err)
	}
}

func TestSleepInRunRealClock(t *testing.T) {
	start := time.Now()
	var steps []func(cx *Context) bool
	var got []time.Duration
	for i := range 50 {
		s := SleepAsync(time.Duration(i%10) * time.Millisecond)
		steps = append(steps, func(cx *Context) bool {
			_, ok := s.Poll(cx)
			if ok {
				got = append(got, time.Since(start))
			}
			return ok
		})
	}
	Run(all(steps...))
	if len(got) != 50 {
		t.Fatalf("%d of 50 sleeps completed", len(got))
	}
	if el := time.Since(start); el < 9*time.Millisecond {
		t.Fatalf("50 sleeps up to 9ms done after %v", el)
	}
}

func TestSleepUntilPastArmsNothingPaused(t *testing.T) {
	s := SleepUntilAsync(pausedStart.Add(-time.Hour))
	_, took := runPaused(t, seq(await(Future[struct{}](s), nil)))
	if took != 0 || s.timer.Armed() {
		t.Fatalf("past SleepUntil took %v, armed %v; want 0, false", took, s.timer.Armed())
	}
}

func TestIntervalAtAndResetPaused(t *testing.T) {
	iv := NewIntervalAt(pausedStart.Add(time.Minute), 10*time.Second)
	var ticks []time.Duration
	tick := func(cx *Context) bool {
		v, ok := iv.TickAsync().Poll(cx)
		if ok {
			ticks = append(ticks, v.Sub(pausedStart))
		}
		return ok
	}
	_, took := runPaused(t, seq(
		tick, // at 1m
		tick, // at 1m10s
		await(Future[struct{}](SleepAsync(3*time.Second)), nil),
		func(*Context) bool { iv.Reset(); return true }, // next: 1m13s + 10s
		tick,
	))
	iv.Stop()
	want := []time.Duration{time.Minute, 70 * time.Second, 83 * time.Second}
	if !equalDurations(ticks, want) || took != 83*time.Second {
		t.Fatalf("ticks %v after %v; want %v after 1m23s", ticks, took, want)
	}
}

func TestTimeoutOfSleepPaused(t *testing.T) {
	inner := SleepAsync(2 * time.Hour)
	var out Tuple2[struct{}, error]
	_, took := runPaused(t, seq(
		await(TimeoutAsync[struct{}](time.Hour, inner), &out),
		func(*Context) bool {
			if n := testDriver.Load().Timers(); n != 0 {
				t.Errorf("%d timers armed after the timeout cancelled its sleep", n)
			}
			return true
		},
	))
	if !errors.Is(out.V1, ErrTimeout) || took != time.Hour {
		t.Fatalf("err %v after %v; want a timeout after 1h", out.V1, took)
	}
}

func TestNowDirectIsTheRealClock(t *testing.T) {
	before := time.Now()
	now := Now()
	after := time.Now()
	if now.Before(before) || now.After(after) {
		t.Fatalf("rt.Now() = %v, not between %v and %v", now, before, after)
	}
}

// TestTimeArmCancelAllocatesNothing: with the future held by value, arming a
// timer (a sleep's or a timeout's first poll) and cancelling it allocate
// nothing, on a runtime's driver and on the default one; so do an
// Interval's ticks once it exists.
func TestTimeArmCancelAllocatesNothing(t *testing.T) {
	check := func(name string, cx *Context) {
		t.Helper()
		var s SleepFuture
		if n := testing.AllocsPerRun(100, func() {
			s.Reset(time.Hour)
			if _, ok := s.Poll(cx); ok {
				t.Fatal("a one-hour sleep was ready")
			}
			s.Cancel()
		}); n != 0 {
			t.Errorf("%s: sleep arm+cancel: %v allocations, want 0", name, n)
		}
		inner := &pending{}
		var tf TimeoutFuture[struct{}]
		if n := testing.AllocsPerRun(100, func() {
			tf = MakeTimeout[struct{}](time.Hour, inner)
			if _, ok := tf.Poll(cx); ok {
				t.Fatal("a one-hour timeout was ready")
			}
			tf.Cancel()
		}); n != 0 {
			t.Errorf("%s: timeout arm+cancel: %v allocations, want 0", name, n)
		}
		iv := NewInterval(time.Hour)
		tick := iv.TickAsync()
		tick.Poll(cx) // the first tick is immediate
		if n := testing.AllocsPerRun(100, func() {
			if _, ok := tick.Poll(cx); ok {
				t.Fatal("an hourly interval ticked twice at once")
			}
			iv.Stop()
		}); n != 0 {
			t.Errorf("%s: interval arm+stop: %v allocations, want 0", name, n)
		}
	}
	check("default driver", NewContext(nopWaker{}))
	r := NewCurrentThread()
	defer r.Shutdown()
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		check("runtime driver", cx)
		return struct{}{}, true
	}))
}

// TestMakeTimeoutByValuePaused: MakeTimeout's value, polled in place, times
// out (cancelling its inner future) or lets the inner future win, exactly as
// TimeoutAsync's future does, and leaves no timer armed either way.
func TestMakeTimeoutByValuePaused(t *testing.T) {
	inner := &pending{}
	tf := MakeTimeout[struct{}](time.Hour, inner)
	out, took := runPaused(t, PollFunc(tf.Poll))
	if took != time.Hour || !errors.Is(out.V1, ErrTimeout) || inner.cancels.Load() != 1 {
		t.Fatalf("after %v: err %v, inner cancelled %d times; want ErrTimeout after 1h, 1 cancel", took, out.V1, inner.cancels.Load())
	}
	tf2 := MakeTimeout[struct{}](time.Hour, SleepAsync(time.Second))
	out, took = runPaused(t, PollFunc(func(cx *Context) (Tuple2[struct{}, error], bool) {
		v, ok := tf2.Poll(cx)
		if ok && testDriver.Load().Timers() != 0 {
			t.Errorf("%d timers left armed after the inner future won", testDriver.Load().Timers())
		}
		return v, ok
	}))
	if out.V1 != nil || took != time.Second {
		t.Fatalf("err %v after %v, want nil after 1s", out.V1, took)
	}
}

// TestSleepUntilInstant: SleepUntilAsync keeps its instant as an offset
// (untilOffset); Deadline before the first poll gives back the same instant,
// for a time with a monotonic reading and for a wall-only one, and a
// wall-only instant (stripped with Round(0)) completes exactly on time on a
// paused clock.
func TestSleepUntilInstant(t *testing.T) {
	mono := time.Now().Add(time.Hour)
	wall := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, at := range []time.Time{mono, mono.Round(0), wall, pausedStart.Add(time.Minute)} {
		s := MakeSleepUntil(at)
		if !s.until().Equal(at) {
			t.Errorf("MakeSleepUntil(%v) keeps %v", at, s.until())
		}
		var r SleepFuture
		r.ResetUntil(at)
		if !r.until().Equal(at) {
			t.Errorf("ResetUntil(%v) keeps %v", at, r.until())
		}
	}
	_, took := runPaused(t, seq(await(Future[struct{}](SleepUntilAsync(pausedStart.Add(42*time.Second).Round(0))), nil)))
	if took != 42*time.Second {
		t.Fatalf("a wall-only instant 42s on: took %v", took)
	}
}
