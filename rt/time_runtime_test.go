package rt

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// Time on real runtimes: both flavours, built on a paused clock, must give
// every sleeper exactly its virtual duration, and finish an hour of virtual
// time at once.

// pausedFlavours builds each runtime flavour on a paused clock.
var pausedFlavours = []struct {
	name string
	make func() *Runtime
}{
	{"current-thread", func() *Runtime { return NewCurrentThreadWith(WithPausedClock(pausedStart)) }},
	{"multi-thread", func() *Runtime { return NewMultiThread(WithWorkers(2), WithPausedClock(pausedStart)) }},
}

// blockOnPaused is BlockOn with a watchdog: on a paused clock a runtime that
// fails to auto-advance hangs forever, and the test should say why instead of
// timing out ten minutes later. 20 s of wall clock guard virtual hours that
// take microseconds; it is a deadlock detector, not a timing assertion.
func blockOnPaused[T any](t *testing.T, r *Runtime, f Future[T]) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- BlockOn(r, f) }()
	select {
	case v := <-done:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("the runtime on a paused clock stopped making progress: every task " +
			"waits on a timer, and the clock was not advanced to it. Auto-advance " +
			"needs the driver's holder to park with autoAdvance once all workers are " +
			"idle; if the holder parked first, the last worker to go idle must Unpark " +
			"the driver so that the holder parks again with autoAdvance true")
		panic("unreachable")
	}
}

// sleeperTask sleeps d and outputs the runtime clock's reading afterwards.
func sleeperTask(d time.Duration) Future[time.Duration] {
	var s *SleepFuture
	return PollFunc(func(cx *Context) (time.Duration, bool) {
		if s == nil {
			s = SleepAsync(d)
		}
		if _, ok := s.Poll(cx); !ok {
			return 0, false
		}
		return cx.Now().Sub(pausedStart), true
	})
}

// joinAll awaits every handle and returns their outputs in order; a task
// that failed (panicked, was cancelled) leaves its zero value.
func joinAll[T any](hs []*JoinHandle[T]) Future[[]T] {
	out := make([]T, len(hs))
	futs := make([]Future[Tuple2[T, error]], len(hs))
	for i, h := range hs {
		futs[i] = h.JoinAsync()
	}
	next := 0
	return PollFunc(func(cx *Context) ([]T, bool) {
		for next < len(futs) {
			v, ok := futs[next].Poll(cx)
			if !ok {
				return nil, false
			}
			out[next] = v.V0
			next++
		}
		return out, true
	})
}

func TestSleepersOnPausedRuntimes(t *testing.T) {
	for _, fl := range pausedFlavours {
		t.Run(fl.name, func(t *testing.T) {
			r := fl.make()
			defer r.Shutdown()
			const n = 200
			hs := make([]*JoinHandle[time.Duration], n)
			want := make([]time.Duration, n)
			for i := range n {
				// Durations from 0 to ~1h 40m, unordered, some equal.
				want[i] = time.Duration((i*7919)%n) * 30 * time.Second
			}
			// The sleepers are spawned by a task, not from this goroutine:
			// a runtime whose workers are all idle may auto-advance its
			// clock at any moment, so sleepers spawned one by one from
			// outside could start at different virtual times. A worker
			// polling the spawner is busy until all of them are queued.
			spawner := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
				for i := range n {
					h, ok := SpawnAsync(sleeperTask(want[i])).Poll(cx)
					if !ok {
						panic("SpawnAsync not ready at its first poll")
					}
					hs[i] = h
				}
				return struct{}{}, true
			}))
			blockOnPaused(t, r, spawner.JoinAsync())
			got := blockOnPaused(t, r, joinAll(hs))
			for i := range n {
				if got[i] != want[i] {
					t.Fatalf("sleeper %d woke at %v of virtual time, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestTimeoutOnPausedRuntimes(t *testing.T) {
	for _, fl := range pausedFlavours {
		t.Run(fl.name, func(t *testing.T) {
			r := fl.make()
			defer r.Shutdown()
			inner := &pending{}
			var out Tuple2[struct{}, error]
			var now time.Time
			blockOnPaused(t, r, seq(
				await(TimeoutAsync[struct{}](time.Hour, inner), &out),
				await(NowAsync(), &now),
			))
			if !errors.Is(out.V1, ErrTimeout) || inner.cancels.Load() != 1 {
				t.Fatalf("err %v, inner cancelled %d times", out.V1, inner.cancels.Load())
			}
			if el := now.Sub(pausedStart); el != time.Hour {
				t.Fatalf("timed out at %v of virtual time, want 1h", el)
			}
		})
	}
}

func TestIntervalOnPausedRuntimes(t *testing.T) {
	for _, fl := range pausedFlavours {
		t.Run(fl.name, func(t *testing.T) {
			r := fl.make()
			defer r.Shutdown()
			iv := NewInterval(time.Minute)
			defer iv.Stop()
			var ticks []time.Duration
			tick := func(cx *Context) bool {
				v, ok := iv.TickAsync().Poll(cx)
				if ok {
					ticks = append(ticks, v.Sub(pausedStart))
				}
				return ok
			}
			steps := []func(*Context) bool{}
			for range 61 {
				steps = append(steps, tick)
			}
			blockOnPaused(t, r, seq(steps...))
			if len(ticks) != 61 || ticks[60] != time.Hour {
				t.Fatalf("%d ticks, last at %v; want 61 ending at 1h", len(ticks), ticks[len(ticks)-1])
			}
		})
	}
}

// Real clock, multi-thread: many sleepers on two workers all wake (lower
// bounds only).
func TestSleepersMultiThreadRealClock(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	const n = 500
	hs := make([]*JoinHandle[time.Duration], n)
	start := time.Now()
	for i := range n {
		d := time.Duration(i%10) * time.Millisecond
		hs[i] = SpawnOn(r, PollFunc(func() func(cx *Context) (time.Duration, bool) {
			s := SleepAsync(d)
			return func(cx *Context) (time.Duration, bool) {
				if _, ok := s.Poll(cx); !ok {
					return 0, false
				}
				return time.Since(start), true
			}
		}()))
	}
	got := BlockOn(r, joinAll(hs))
	for i, el := range got {
		if min := time.Duration(i%10) * time.Millisecond; el < min {
			t.Fatalf("sleeper %d of %v woke after %v", i, min, el)
		}
	}
}

// BenchmarkPausedHourOfSleepers measures a virtual hour: 100 tasks each
// sleeping 36 s a hundred times over (10,000 sleeps), on a paused
// current-thread runtime.
func BenchmarkPausedHourOfSleepers(b *testing.B) {
	for b.Loop() {
		r := NewCurrentThreadWith(WithPausedClock(pausedStart))
		hs := make([]*JoinHandle[time.Duration], 100)
		for i := range hs {
			hs[i] = SpawnOn(r, repeatSleep(100, 36*time.Second))
		}
		got := BlockOn(r, joinAll(hs))
		r.Shutdown()
		if got[0] != time.Hour {
			b.Fatal(fmt.Sprint("ended at ", got[0]))
		}
	}
}

// repeatSleep sleeps d, k times, and outputs the virtual time at the end.
func repeatSleep(k int, d time.Duration) Future[time.Duration] {
	var s *SleepFuture
	return PollFunc(func(cx *Context) (time.Duration, bool) {
		for k > 0 {
			if s == nil {
				s = SleepAsync(d)
			}
			if _, ok := s.Poll(cx); !ok {
				return 0, false
			}
			s = nil
			k--
		}
		return cx.Now().Sub(pausedStart), true
	})
}

// TestSleepResetOnAnotherRuntime: a SleepFuture held by value is armed on
// one runtime, cancelled, Reset and awaited on another. Its timer must move
// to the second runtime's driver (the one it is polled on): armed in the
// first one's wheel it would be measured against a clock nobody advances
// any more, and the second runtime would wait forever. Its Deadline is read
// on the second runtime's clock.
//
// The first runtime runs on the real clock: an idle runtime on a paused
// clock advances it to its next timer, which would fire the hour at once.
func TestSleepResetOnAnotherRuntime(t *testing.T) {
	realClock := []struct {
		name string
		make func() *Runtime
	}{
		{"current-thread", NewCurrentThread},
		{"multi-thread", func() *Runtime { return NewMultiThread(WithWorkers(2)) }},
	}
	for _, fa := range realClock {
		for _, fb := range pausedFlavours {
			t.Run(fa.name+"/"+fb.name, func(t *testing.T) {
				var s SleepFuture
				s.Reset(time.Hour)
				a := fa.make()
				shut := false
				defer func() {
					if !shut {
						a.Shutdown() // a failed check must not leak a's workers into later tests
					}
				}()
				blockOnPaused(t, a, PollFunc(func(cx *Context) (struct{}, bool) {
					if _, ok := s.Poll(cx); ok {
						t.Fatal("1h sleep ready at its first poll")
					}
					return struct{}{}, true // the flush arms it on a's driver
				}))
				if n := a.drv.Timers(); n != 1 {
					t.Fatalf("timers on the first runtime = %d, want 1", n)
				}
				s.Reset(time.Minute) // cancels the hour
				if n := a.drv.Timers(); n != 0 {
					t.Fatalf("timers on the first runtime after Reset = %d, want 0", n)
				}
				a.Shutdown()
				shut = true
				b := fb.make()
				defer b.Shutdown()
				var dl time.Time
				took := blockOnPaused(t, b, PollFunc(func(cx *Context) (time.Duration, bool) {
					if _, ok := s.Poll(cx); !ok {
						return 0, false
					}
					dl, _ = s.Deadline()
					return cx.Now().Sub(pausedStart), true
				}))
				if took != time.Minute {
					t.Fatalf("the sleep ended %v into the second runtime, want 1m", took)
				}
				if !dl.Equal(pausedStart.Add(time.Minute)) {
					t.Fatalf("Deadline %v, want start+1m on the second runtime's clock", dl)
				}
			})
		}
	}
}
