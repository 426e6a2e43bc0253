package rt

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// Deferred arming (time.go): a Sleep's or Timeout's first poll inside a
// runtime puts its timer on the Context's batch, armed when the task's poll
// returns.

// both runs f as a spawned task and as BlockOn's main future: the two poll
// paths that flush a batch.
func both[T any](t *testing.T, r *Runtime, f func() Future[T]) {
	t.Helper()
	runOn(t, r, f())
	BlockOn(r, f())
}

// burn spends about d of CPU inside a poll, without reading the runtime's
// clock more than needed to stop.
func burn(d time.Duration) {
	for start := time.Now(); time.Since(start) < d; {
	}
}

// TestDeferredSleepNeverEarly: on the real clock, a sleep completes no sooner
// than its duration after the moment just before its first poll — also when
// the poll that armed it goes on working afterwards (the timer's clock starts
// at the end of that poll), and for many sleeps armed in one poll.
func TestDeferredSleepNeverEarly(t *testing.T) {
	durs := []time.Duration{time.Nanosecond, 300 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond, 7 * time.Millisecond}
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		both(t, r, func() Future[struct{}] {
			var start time.Time
			sl := make([]SleepFuture, len(durs))
			done := make([]bool, len(durs))
			left := len(durs)
			return PollFunc(func(cx *Context) (struct{}, bool) {
				first := start.IsZero()
				if first {
					start = cx.Now()
				}
				for i := range sl {
					if done[i] {
						continue
					}
					if first {
						sl[i] = MakeSleep(durs[i])
					}
					if _, ok := sl[i].Poll(cx); ok {
						if took := cx.Now().Sub(start); took < durs[i] {
							t.Errorf("sleep of %v completed after %v", durs[i], took)
						}
						done[i] = true
						left--
					}
				}
				if first {
					burn(2 * time.Millisecond) // the rest of the arming poll
				}
				return struct{}{}, left == 0
			})
		})
	})
}

// TestDeferredArmCancelOnePoll: timers armed and cancelled in the same poll
// (sleeps, and a Timeout around a pending future) never reach the wheel and
// wake nobody; a sleep re-armed after its cancel in that poll fires once,
// its full duration after the poll.
func TestDeferredArmCancelOnePoll(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		var polls, wakes atomic.Int32
		var drvTimers atomic.Int32
		f := func() Future[time.Duration] {
			polls.Store(0)
			var start time.Time
			sl := make([]SleepFuture, 100)
			var rearmed SleepFuture
			return PollFunc(func(cx *Context) (time.Duration, bool) {
				if polls.Add(1) == 1 {
					start = cx.Now()
					for i := range sl {
						sl[i] = MakeSleep(time.Duration(i+1) * time.Millisecond)
						sl[i].Poll(cx)
					}
					to := TimeoutAsync[struct{}](time.Second, &pending{})
					to.Poll(cx)
					Cancel(to)
					for i := range sl {
						sl[i].Cancel()
					}
					rearmed = MakeSleep(time.Hour)
					rearmed.Poll(cx)
					rearmed.Cancel()
					rearmed.Reset(50 * time.Millisecond)
					if _, ok := rearmed.Poll(cx); ok {
						t.Error("re-armed sleep ready at its first poll")
					}
					drvTimers.Store(int32(cx.drv.Timers())) // none reached a wheel yet
					return 0, false
				}
				wakes.Add(1)
				if _, ok := rearmed.Poll(cx); !ok {
					return 0, false
				}
				if cx.drv.Timers() != 0 {
					t.Errorf("Timers() = %d after the re-armed sleep fired, want 0", cx.drv.Timers())
				}
				return cx.Now().Sub(start), true
			})
		}
		for _, run := range []func(Future[time.Duration]) time.Duration{
			func(f Future[time.Duration]) time.Duration { return runOn(t, r, f) },
			func(f Future[time.Duration]) time.Duration { return BlockOn(r, f) },
		} {
			wakes.Store(0)
			took := run(f())
			if drvTimers.Load() != 0 {
				t.Errorf("Timers() = %d at the end of the arming poll, want 0 (deferred)", drvTimers.Load())
			}
			if took != 50*time.Millisecond {
				t.Errorf("re-armed sleep took %v on the paused clock, want 50ms", took)
			}
			if w := wakes.Load(); w != 1 {
				t.Errorf("%d wake-ups, want 1 (the re-armed sleep's; the cancelled timers wake nobody)", w)
			}
		}
	})
}

// TestDeferredManyInOnePollAllFire: a thousand sleeps armed in one poll, on
// both flavours and on the paused clock, all fire, each exactly its duration
// after that poll.
func TestDeferredManyInOnePollAllFire(t *testing.T) {
	const n = 1000
	forPaused(t, func(t *testing.T, r *Runtime) {
		got := runOn(t, r, PollFunc(func() func(cx *Context) (int, bool) {
			var start time.Time
			sl := make([]SleepFuture, n)
			fired := make([]bool, n)
			count := 0
			return func(cx *Context) (int, bool) {
				if start.IsZero() {
					start = cx.Now()
					for i := range sl {
						sl[i] = MakeSleep(time.Duration(1+i%37) * time.Millisecond)
					}
				}
				for i := range sl {
					if fired[i] {
						continue
					}
					cx.budget = budgetUnconstrained // poll all of them every time
					if _, ok := sl[i].Poll(cx); ok {
						if took, want := cx.Now().Sub(start), time.Duration(1+i%37)*time.Millisecond; took != want {
							t.Errorf("sleep %d of %v fired after %v", i, want, took)
						}
						fired[i] = true
						count++
					}
				}
				return count, count == n
			}
		}()))
		if got != n {
			t.Fatalf("%d of %d sleeps fired", got, n)
		}
	})
}

// TestDeferredDeadline: during the poll that armed it, a sleep's Deadline
// reads the clock (the deadline if the poll ended now); after the poll it is
// the armed one, and both equal start+d on a paused clock.
func TestDeferredDeadline(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		runOn(t, r, PollFunc(func() func(cx *Context) (struct{}, bool) {
			var s SleepFuture
			var want time.Time
			return func(cx *Context) (struct{}, bool) {
				if want.IsZero() {
					want = cx.Now().Add(3 * time.Second)
					s = MakeSleep(3 * time.Second)
					s.Poll(cx)
					if !s.timer.Deferred() {
						t.Error("a runtime sleep's first poll armed its timer at once")
					}
					if at, ok := s.Deadline(); !ok || !at.Equal(want) {
						t.Errorf("deferred Deadline = %v %v, want %v", at, ok, want)
					}
					return struct{}{}, false
				}
				if s.timer.Deferred() {
					t.Error("timer still deferred at the next poll")
				}
				if at, ok := s.Deadline(); !ok || !at.Equal(want) {
					t.Errorf("armed Deadline = %v %v, want %v", at, ok, want)
				}
				_, ok := s.Poll(cx)
				return struct{}{}, ok
			}
		}()))
	})
}

// TestDeferredCancelAfterMigration: on a multi-thread runtime a task arms a
// sleep on one worker (flushed onto that worker's shard), is woken from
// outside until another worker polls it, re-polls the sleep there (SetWaker
// across shards) and cancels it there. Run under -race: the flush must be
// done before the task can be polled elsewhere.
func TestDeferredCancelAfterMigration(t *testing.T) {
	r := NewMultiThread(WithWorkers(4))
	defer r.Shutdown()
	const tasks = 8
	var migrated atomic.Int32
	hs := make([]*JoinHandle[int], tasks)
	for k := range hs {
		hs[k] = SpawnOn(r, PollFunc(func() func(cx *Context) (int, bool) {
			var s SleepFuture
			armedOn, polls := -1, 0
			return func(cx *Context) (int, bool) {
				polls++
				if armedOn < 0 {
					armedOn = cx.w.index
					s = MakeSleep(time.Hour)
					s.Poll(cx)
				} else {
					s.Poll(cx) // SetWaker, perhaps from another worker
				}
				if cx.w.index != armedOn || polls > 2000 {
					if cx.w.index != armedOn {
						migrated.Add(1)
					}
					s.Cancel()
					return cx.drv.Timers(), true
				}
				w := cx.Waker()
				go func() { runtime.Gosched(); w.Wake() }() // a remote wake: any worker
				return 0, false
			}
		}()))
	}
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			t.Fatal(err)
		}
	}
	if n := r.drv.Timers(); n != 0 {
		t.Fatalf("Timers() = %d after every task cancelled its sleep, want 0", n)
	}
	if migrated.Load() == 0 {
		t.Skip("no task migrated between workers in 2000 wake-ups each; nothing checked across workers")
	}
	t.Logf("%d of %d tasks cancelled on another worker", migrated.Load(), tasks)
}

// TestDeferredTimeout: a Timeout whose inner future stays pending times out
// its full duration after the poll that armed it, on both poll paths.
func TestDeferredTimeout(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		both(t, r, func() Future[struct{}] {
			var start time.Time
			var to *TimeoutFuture[struct{}]
			return PollFunc(func(cx *Context) (struct{}, bool) {
				if to == nil {
					start = cx.Now()
					to = TimeoutAsync[struct{}](40*time.Millisecond, &pending{}).(*TimeoutFuture[struct{}])
				}
				out, ok := to.Poll(cx)
				if !ok {
					return struct{}{}, false
				}
				if out.V1 == nil {
					t.Error("timeout around a pending future returned no error")
				}
				if took := cx.Now().Sub(start); took != 40*time.Millisecond {
					t.Errorf("timeout of 40ms fired after %v on the paused clock", took)
				}
				return struct{}{}, true
			})
		})
	})
}
