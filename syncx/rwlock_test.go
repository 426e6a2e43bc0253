package syncx

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

func pollRw(f *RwLockFuture, w *explWaker) bool {
	_, ok := f.Poll(rt.NewContext(w))
	return ok
}

func TestRwLockBasic(t *testing.T) {
	var rw RwLock
	rw.RLock()
	if !rw.TryRLock() || rw.TryLock() {
		t.Fatal("readers: a second reader must get in, a writer not")
	}
	rw.RUnlock()
	rw.RUnlock()
	rw.Lock()
	if rw.TryRLock() || rw.TryLock() {
		t.Fatal("a writer holds it: nobody else gets in")
	}
	rw.Unlock()
	if msg := panicMessage(rw.RUnlock); msg != "corio/syncx: RUnlock of unlocked RwLock" {
		t.Fatalf("RUnlock of unlocked: %q", msg)
	}
	rw.RLock()
	if msg := panicMessage(rw.Unlock); msg != "corio/syncx: Unlock of RwLock not locked for writing" {
		t.Fatalf("Unlock with a reader inside: %q", msg)
	}
	rw.RUnlock()
	if !rw.TryLock() {
		t.Fatal("lock not free at the end")
	}
}

// TestRwLockWritePreferring: a waiting writer keeps later readers out, and
// when it unlocks the readers queued behind it get in together, up to the
// next queued writer.
func TestRwLockWritePreferring(t *testing.T) {
	var rw RwLock
	rw.RLock()
	ww := &explWaker{}
	wf := rw.LockAsync()
	if pollRw(wf, ww) {
		t.Fatal("writer got in beside a reader")
	}
	rws := []*explWaker{{}, {}, {}}
	r1, r2 := rw.RLockAsync(), rw.RLockAsync()
	w2 := rw.LockAsync()
	r3 := rw.RLockAsync()
	if pollRw(r1, rws[0]) || pollRw(r2, rws[1]) || rw.TryRLock() {
		t.Fatal("a reader overtook the waiting writer")
	}
	w2w := &explWaker{}
	pollRw(w2, w2w)
	pollRw(r3, rws[2])
	rw.RUnlock()
	if !ww.woken || !pollRw(wf, ww) {
		t.Fatal("the writer did not get the lock when the reader left")
	}
	rw.Unlock()
	if !rws[0].woken || !rws[1].woken || w2w.woken || rws[2].woken {
		t.Fatalf("after the writer: woken r1 %v r2 %v w2 %v r3 %v; want r1 and r2 only",
			rws[0].woken, rws[1].woken, w2w.woken, rws[2].woken)
	}
	if !pollRw(r1, rws[0]) || !pollRw(r2, rws[1]) {
		t.Fatal("granted readers not ready")
	}
	w2.Cancel() // the queued writer leaves: r3 joins the readers
	if !rws[2].woken || !pollRw(r3, rws[2]) {
		t.Fatal("reader behind a cancelled writer did not get in")
	}
	rw.RUnlock()
	rw.RUnlock()
	rw.RUnlock()
	if !rw.TryLock() {
		t.Fatal("lock not free at the end")
	}
}

func TestRwLockTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		var rw RwLock
		var readers, writers atomic.Int32
		var sections atomic.Int64
		enterR := func() {
			readers.Add(1)
			if writers.Load() != 0 {
				t.Error("reader inside with a writer")
			}
		}
		enterW := func() {
			if writers.Add(1) != 1 || readers.Load() != 0 {
				t.Error("writer not alone")
			}
		}
		var fs []rt.Future[struct{}]
		for i := range 8 {
			if i%3 == 0 {
				fs = append(fs, &critTask{iters: 100, enter: enterW,
					leave:   func() { writers.Add(-1); sections.Add(1) },
					release: rw.Unlock,
					acquire: func() rt.Future[struct{}] { return rw.LockAsync() }})
			} else {
				fs = append(fs, &critTask{iters: 100, enter: enterR,
					leave:   func() { readers.Add(-1); sections.Add(1) },
					release: rw.RUnlock,
					acquire: func() rt.Future[struct{}] { return rw.RLockAsync() }})
			}
		}
		chRunTasks(t, multi, fs...)
		if sections.Load() != 800 || !rw.TryLock() {
			t.Fatalf("%d sections, or lock left held", sections.Load())
		}
	})
}

func TestRwLockGoroutines(t *testing.T) {
	var rw RwLock
	shared := map[int]int{}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range 300 {
				if g%2 == 0 {
					rw.Lock()
					shared[i]++
					rw.Unlock()
				} else {
					rw.RLock()
					_ = shared[i]
					runtime.Gosched()
					rw.RUnlock()
				}
			}
		})
	}
	wg.Wait()
	for i := range 300 {
		if shared[i] != 3 {
			t.Fatalf("shared[%d] = %d, want 3", i, shared[i])
		}
	}
}

func TestRwLockRefusedOnRuntime(t *testing.T) {
	var rw RwLock
	rw.Lock()
	if msg := refusedInTask(t, rw.RLock); msg != "corio/syncx: RwLock.RLock called from inside a task on a runtime goroutine; use RLockAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	if msg := refusedInTask(t, rw.Lock); msg != "corio/syncx: RwLock.Lock called from inside a task on a runtime goroutine; use LockAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	rw.Unlock()
	if !rw.TryLock() {
		t.Fatal("a refused lock left a waiter behind")
	}
}
