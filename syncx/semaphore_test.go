package syncx

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// pollAcquire polls f once with w.
func pollAcquire(f *AcquireFuture, w *explWaker) (error, bool) {
	return f.Poll(rt.NewContext(w))
}

func TestSemaphoreBasic(t *testing.T) {
	s := NewSemaphore(3)
	if !s.TryAcquire(2) || s.TryAcquire(2) || s.Available() != 1 {
		t.Fatal("TryAcquire did not count permits")
	}
	s.Release(2)
	if err := s.Acquire(3); err != nil || s.Available() != 0 {
		t.Fatalf("Acquire(3) = %v, available %d", err, s.Available())
	}
	s.Release(3)
	if err := s.Acquire(0); err != nil {
		t.Fatalf("Acquire(0) = %v", err)
	}
	for _, f := range []func(){
		func() { s.Acquire(-1) }, func() { s.TryAcquire(-1) }, func() { s.Release(-1) },
		func() { NewSemaphore(-1) }, func() { s.AcquireAsync(-1) },
	} {
		if msg := panicMessage(f); msg == "" {
			t.Fatal("a negative count did not panic")
		}
	}
	var zero Semaphore // zero value: no permits, open
	if zero.TryAcquire(1) || !zero.TryAcquire(0) {
		t.Fatal("zero Semaphore should have no permits")
	}
}

// TestSemaphoreFIFOLargeHead: a large request at the head blocks later
// small ones, even when they would fit; cancelling it lets them through.
func TestSemaphoreFIFOLargeHead(t *testing.T) {
	s := NewSemaphore(1)
	wBig, wSmall := &explWaker{}, &explWaker{}
	big, small := s.AcquireAsync(3), s.AcquireAsync(1)
	if _, ok := pollAcquire(big, wBig); ok {
		t.Fatal("Acquire(3) ready with 1 permit")
	}
	if _, ok := pollAcquire(small, wSmall); ok {
		t.Fatal("Acquire(1) overtook a queued Acquire(3)")
	}
	if s.TryAcquire(1) {
		t.Fatal("TryAcquire overtook a queued Acquire(3)")
	}
	s.Release(2) // 3 free: all to the head
	if !wBig.woken || wSmall.woken {
		t.Fatal("Release did not grant the head only")
	}
	big.Cancel() // granted, not polled: its 3 go back, the small one fits
	if !wSmall.woken {
		t.Fatal("cancelling a granted acquisition did not pass its permits on")
	}
	if err, ok := pollAcquire(small, wSmall); !ok || err != nil {
		t.Fatalf("small acquire after hand-back: %v %v", err, ok)
	}
	if s.Available() != 2 {
		t.Fatalf("available %d, want 2", s.Available())
	}

	// Cancelling a queued head lets the smaller request behind it in.
	s2 := NewSemaphore(1)
	big, small = s2.AcquireAsync(2), s2.AcquireAsync(1)
	wSmall = &explWaker{}
	pollAcquire(big, &explWaker{})
	pollAcquire(small, wSmall)
	big.Cancel()
	if err, ok := pollAcquire(small, wSmall); !ok || err != nil || !wSmall.woken {
		t.Fatalf("small acquire after the head left: %v %v woken %v", err, ok, wSmall.woken)
	}
}

func TestSemaphoreClose(t *testing.T) {
	s := NewSemaphore(0)
	w := &explWaker{}
	f := s.AcquireAsync(1)
	if _, ok := pollAcquire(f, w); ok {
		t.Fatal("acquire ready with no permits")
	}
	done := make(chan error)
	go func() { done <- s.Acquire(1) }()
	waitQueued(&s.s.mu, &s.s.waiters, 2) // the goroutine's Acquire
	s.Close()
	s.Close()
	if !w.woken {
		t.Fatal("Close did not wake the waiter")
	}
	if err, ok := pollAcquire(f, w); !ok || err != ErrSemaphoreClosed || !errors.Is(err, ErrClosed) {
		t.Fatalf("pending acquire after Close: %v %v", err, ok)
	}
	if err := <-done; err != ErrSemaphoreClosed {
		t.Fatalf("blocked Acquire after Close: %v", err)
	}
	if err := s.Acquire(0); err != ErrSemaphoreClosed {
		t.Fatalf("Acquire after Close: %v", err)
	}
	s.Release(1)
	if s.TryAcquire(1) || s.Available() != 1 {
		t.Fatal("TryAcquire succeeded on a closed semaphore, or Release was lost")
	}
}

func TestSemaphoreTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		before := runtime.NumGoroutine()
		s := NewSemaphore(3)
		ex := &exclusion{t: t, max: 3}
		fs := make([]rt.Future[struct{}], 8)
		for i := range fs {
			fs[i] = &critTask{iters: 200, enter: ex.enter, leave: ex.leave,
				release: func() { s.Release(1) },
				acquire: func() rt.Future[struct{}] { return errFree{t, s.AcquireAsync(1)} }}
		}
		chRunTasks(t, multi, fs...)
		if ex.total.Load() != 8*200 || s.Available() != 3 {
			t.Fatalf("%d sections, %d permits left", ex.total.Load(), s.Available())
		}
		chCheckGoroutines(t, before)
	})
}

// errFree adapts a future of error to one of struct{}, failing t on an error.
type errFree struct {
	t testing.TB
	f rt.Future[error]
}

func (e errFree) Poll(cx *rt.Context) (struct{}, bool) {
	err, ok := e.f.Poll(cx)
	if ok && err != nil {
		e.t.Errorf("acquire: %v", err)
	}
	return struct{}{}, ok
}

// Cancel forwards to the acquisition, so that a timeout cancels it.
func (e errFree) Cancel() { rt.Cancel(e.f) }

func TestSemaphoreGoroutines(t *testing.T) {
	s := NewSemaphore(2)
	ex := &exclusion{t: t, max: 2}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for range 300 {
				if err := s.Acquire(1); err != nil {
					t.Error(err)
					return
				}
				ex.enter()
				runtime.Gosched()
				ex.leave()
				s.Release(1)
			}
		})
	}
	wg.Wait()
	if s.Available() != 2 {
		t.Fatalf("available %d, want 2", s.Available())
	}
}

func TestSemaphoreRefusedOnRuntime(t *testing.T) {
	s := NewSemaphore(0)
	msg := refusedInTask(t, func() { s.Acquire(1) })
	if msg != "corio/syncx: Semaphore.Acquire called from inside a task on a runtime goroutine; use AcquireAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	s.Release(1)
	if s.Available() != 1 {
		t.Fatal("the refused Acquire left a waiter that took the permit")
	}
}

// waitQueued yields until l, guarded by mu, holds n waiters: a goroutine
// started by the test has queued.
func waitQueued(mu *sync.Mutex, l *waitList, n int) {
	for {
		mu.Lock()
		got := l.len
		mu.Unlock()
		if got >= n {
			return
		}
		runtime.Gosched()
	}
}

// TestSemaphoreTimeoutStress: as TestMutexTimeoutStress, with requests of 1
// to 3 of 4 permits; every permit is back at the end.
func TestSemaphoreTimeoutStress(t *testing.T) {
	s := NewSemaphore(4)
	var held atomic.Int32
	var sections, timeouts atomic.Int64
	fs := make([]rt.Future[struct{}], 8)
	for i := range fs {
		n := 1 + i%3
		fs[i] = timedCritTask(uint64(i), 300,
			func() rt.Future[struct{}] { return errFree{t, s.AcquireAsync(n)} },
			func() {
				if held.Add(int32(n)) > 4 {
					t.Error("more than 4 permits held")
				}
				sections.Add(1)
			},
			func() { held.Add(-int32(n)) },
			func() { s.Release(n) }, &timeouts)
	}
	chRunTasks(t, true, fs...)
	t.Logf("%d sections, %d timeouts", sections.Load(), timeouts.Load())
	if sections.Load()+timeouts.Load() != 8*300 || s.Available() != 4 {
		t.Fatalf("%d sections + %d timeouts, %d permits available", sections.Load(), timeouts.Load(), s.Available())
	}
}

// TestSemaphoreSelectLoopLosesNothing: a task loops on rt.Select2Biased of
// a short sleep and an acquisition while a goroutine releases permits one by
// one; every lost race cancels the acquisition, possibly just after it was
// granted. Every released permit must reach the task.
func TestSemaphoreSelectLoopLosesNothing(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		const n = 300
		s := NewSemaphore(0)
		var produced atomic.Bool
		go func() {
			for range n {
				s.Release(1)
				time.Sleep(10 * time.Microsecond) // about the task's sleep: grants race timeouts
			}
			produced.Store(true)
		}()
		got, sleeps := 0, 0
		var sel rt.Future[rt.Selected2[struct{}, error]]
		chRunTasks(t, multi, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			for got < n {
				if sel == nil {
					// Biased towards the sleep: a sleep that fired wins even
					// over an acquisition granted meanwhile, which is then
					// cancelled holding its permit.
					sel = rt.Select2BiasedAsync[struct{}, error](rt.SleepAsync(10*time.Microsecond), s.AcquireAsync(1))
				}
				out, ok := sel.Poll(cx)
				if !ok {
					return struct{}{}, false
				}
				sel = nil
				switch {
				case out.Index == 1 && out.V1 == nil:
					got++
				case out.Index == 1:
					t.Errorf("acquire: %v", out.V1)
					return struct{}{}, true
				case produced.Load():
					sleeps++
					if !s.TryAcquire(1) {
						return struct{}{}, true // everything released is either taken or lost
					}
					got++
				default:
					sleeps++
				}
			}
			return struct{}{}, true
		}))
		if got != n || s.Available() != 0 {
			t.Fatalf("took %d of %d released permits (%d available, %d sleeps won)", got, n, s.Available(), sleeps)
		}
	})
}
