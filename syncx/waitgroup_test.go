package syncx

import (
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

func pollWG(f *WaitGroupFuture, w *explWaker) bool {
	_, ok := f.Poll(rt.NewContext(w))
	return ok
}

func TestWaitGroupGoroutines(t *testing.T) {
	var wg WaitGroup
	var n atomic.Int32
	for range 10 {
		wg.Go(func() { n.Add(1) })
	}
	wg.Wait()
	if n.Load() != 10 {
		t.Fatalf("Wait returned after %d of 10", n.Load())
	}
	wg.Wait() // zero: at once
	if msg := panicMessage(wg.Done); msg != "corio/syncx: negative WaitGroup counter" {
		t.Fatalf("Done below zero: %q", msg)
	}
}

// TestWaitGroupTasks: a task waits with WaitAsync for workers that are
// tasks too.
func TestWaitGroupTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		var wg WaitGroup
		var done atomic.Int32
		const workers = 8
		wg.Add(workers)
		fs := []rt.Future[struct{}]{}
		var wf *WaitGroupFuture
		fs = append(fs, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			if wf == nil {
				wf = wg.WaitAsync()
			}
			if _, ok := wf.Poll(cx); !ok {
				return struct{}{}, false
			}
			if done.Load() != workers {
				t.Errorf("WaitAsync ready after %d of %d", done.Load(), workers)
			}
			return struct{}{}, true
		}))
		for range workers {
			yielded := false
			fs = append(fs, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				if !yielded {
					yielded = true
					cx.Waker().Wake()
					return struct{}{}, false
				}
				done.Add(1)
				wg.Done()
				return struct{}{}, true
			}))
		}
		chRunTasks(t, multi, fs...)
	})
}

// TestWaitGroupRounds: a waiter of one round is released by that round's
// zero even if an Add starts the next round before it polls; a waiter that
// arrives in the next round waits for it; a cancelled waiter leaves.
func TestWaitGroupRounds(t *testing.T) {
	var wg WaitGroup
	wg.Add(1)
	w1 := &explWaker{}
	f1 := wg.WaitAsync()
	if pollWG(f1, w1) {
		t.Fatal("ready with the counter at 1")
	}
	cancelled := wg.WaitAsync()
	pollWG(cancelled, &explWaker{})
	cancelled.Cancel()
	wg.Done()
	wg.Add(1) // the next round starts before f1 polls
	if !w1.woken || !pollWG(f1, w1) {
		t.Fatal("the first round's waiter was not released")
	}
	w2 := &explWaker{}
	f2 := wg.WaitAsync()
	if pollWG(f2, w2) {
		t.Fatal("the second round's waiter ready early")
	}
	wg.Done()
	if !w2.woken || !pollWG(f2, w2) {
		t.Fatal("the second round's waiter was not released")
	}
	wg.mu.Lock()
	defer wg.mu.Unlock()
	if !wg.waiters.empty() {
		t.Fatal("a waiter stayed queued")
	}
}

func TestWaitGroupRefusedOnRuntime(t *testing.T) {
	var wg WaitGroup
	wg.Add(1)
	if msg := refusedInTask(t, wg.Wait); msg != "corio/syncx: WaitGroup.Wait called from inside a task on a runtime goroutine; use WaitAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	if msg := refusedInTask(t, func() { wg.Done(); wg.Wait() }); msg != "" {
		t.Fatalf("Wait at zero in a task panicked: %q", msg)
	}
}

// hookWaker records its wake-up and runs hook (once) from inside it: from
// inside a wake batch, while the primitive's lock is dropped.
type hookWaker struct {
	woken bool
	hook  func()
}

func (w *hookWaker) Wake() {
	w.woken = true
	if h := w.hook; h != nil {
		w.hook = nil
		h()
	}
}

// TestWaitGroupReleaseInsideRelease: with more waiters than a wake batch, a
// second round that starts and ends while the first round's wakers run
// (the lock dropped) still releases everyone: the first round's rest and
// the second round's waiter.
func TestWaitGroupReleaseInsideRelease(t *testing.T) {
	var wg WaitGroup
	wg.Add(1)
	const n = 40 // more than a wakeBatch holds
	fs := make([]*WaitGroupFuture, n)
	ws := make([]*hookWaker, n)
	late, lateW := wg.WaitAsync(), &hookWaker{}
	for i := range fs {
		fs[i], ws[i] = wg.WaitAsync(), &hookWaker{}
		if _, ok := fs[i].Poll(rt.NewContext(ws[i])); ok {
			t.Fatal("ready with the counter at 1")
		}
	}
	ws[0].hook = func() {
		wg.Add(1)
		if _, ok := late.Poll(rt.NewContext(lateW)); ok {
			t.Error("second round's waiter ready early")
		}
		wg.Done()
	}
	wg.Done()
	for i := range fs {
		if _, ok := fs[i].Poll(rt.NewContext(ws[i])); !ok || !ws[i].woken {
			t.Fatalf("first round's waiter %d not released", i)
		}
	}
	if _, ok := late.Poll(rt.NewContext(lateW)); !ok || !lateW.woken {
		t.Fatal("second round's waiter stuck behind the first round's release")
	}
}
