package rt

import (
	"runtime"
	"sync/atomic"
	"testing"
)

type poolFut struct {
	state int
	p     *int
	buf   [4]int
}

// TestFramePoolReuse: a Put future comes back from the next Get on the same
// Context, zeroed (nothing it held is kept alive); another Context has its
// own pool; an empty pool allocates.
func TestFramePoolReuse(t *testing.T) {
	var pool FramePool[poolFut]
	a, b := NewContext(&countWaker{}), NewContext(&countWaker{})
	f := pool.Get(a)
	if *f != (poolFut{}) {
		t.Fatalf("a new future is not zero: %+v", *f)
	}
	x := 7
	f.state, f.p, f.buf[3] = 3, &x, 9
	pool.Put(a, f)
	if *f != (poolFut{}) {
		t.Fatalf("Put did not zero the future: %+v", *f)
	}
	if g := pool.Get(b); g == f {
		t.Fatal("another Context's Get returned a's future")
	}
	if g := pool.Get(a); g != f {
		t.Fatal("Get after Put did not return the kept future")
	}
	if g := pool.Get(a); g == f {
		t.Fatal("Get returned the same future twice")
	}
	// Last in, first out, over many: a recursion's futures come back deepest
	// first and are taken again in that order.
	fs := make([]*poolFut, 100)
	for i := range fs {
		fs[i] = pool.Get(a)
	}
	for i := len(fs) - 1; i >= 0; i-- {
		pool.Put(a, fs[i])
	}
	for i := range fs {
		if g := pool.Get(a); g != fs[i] {
			t.Fatalf("Get %d returned another future than the one Put %d", i, i)
		}
	}
	if n := testing.AllocsPerRun(100, func() { pool.Put(a, pool.Get(a)) }); n != 0 {
		t.Fatalf("Get/Put of a kept future allocated %v times", n)
	}
}

// TestFramePoolDroppedByGC: after a garbage collection the next Put drops
// what the Context kept (pools and grown frame stacks), so a recursion that
// went deep once does not keep its futures for good.
func TestFramePoolDroppedByGC(t *testing.T) {
	var pool FramePool[poolFut]
	cx := NewContext(&countWaker{})
	cx.checkGC()
	f := pool.Get(cx)
	pool.Put(cx, f)
	big := &frameStack{frames: make([]frameRef, 0, 2*maxKeptPushed)}
	small := &frameStack{frames: make([]frameRef, 0, 8)}
	cx.putStack(big)
	cx.putStack(small)
	e := gcEpoch.Load()
	for i := 0; gcEpoch.Load() == e; i++ {
		if i == 1000 {
			t.Fatal("no garbage collection was counted after 1000 runtime.GC calls")
		}
		runtime.GC()
		runtime.Gosched() // the finalizer goroutine counts
	}
	g := pool.Get(cx) // not yet dropped: the Get may still reuse
	pool.Put(cx, pool.Get(cx))
	if g != f {
		t.Fatal("Get before the first Put after the collection did not reuse")
	}
	if h := pool.Get(cx); h == f {
		t.Fatal("the pool kept its future across a collection")
	}
	if len(cx.spare) != 1 || cx.spare[0] != small {
		t.Fatalf("after a collection the Context keeps %d spare stacks, want the small one", len(cx.spare))
	}
}

// BenchmarkFramePool: Get and Put of a kept future (what a recursive
// generated call costs in place of an allocation), beside new.
func BenchmarkFramePool(b *testing.B) {
	b.Run("pool", func(b *testing.B) {
		var pool FramePool[poolFut]
		cx := NewContext(&countWaker{})
		b.ReportAllocs()
		for b.Loop() {
			pool.Put(cx, pool.Get(cx))
		}
	})
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkPoolFut = new(poolFut)
		}
	})
}

var sinkPoolFut *poolFut

// TestYieldWakesSelf: a yield under a driver that reads the Context's
// self-wake (a task, a current-thread main future) reschedules it without
// the waker, and counts as one wake; under a combinator that installs its
// own waker, and with NewContext, the waker is woken as before.
func TestYieldWakesSelf(t *testing.T) {
	w := &countWaker{}
	cx := NewContext(w)
	cx.ownPoll()
	y := MakeYieldNow()
	if _, ok := y.Poll(cx); ok || w.n.Load() != 0 || !cx.endOwnPoll() {
		t.Fatalf("own poll: ready=%v, wakes %d; want pending, self-woken", ok, w.n.Load())
	}
	if cx.selfWoken || cx.own != (wakerID{}) {
		t.Fatal("endOwnPoll left the self-wake state set")
	}
	// Another waker in cx (a combinator's): woken as before.
	cx.ownPoll()
	other := &countWaker{}
	cx.waker = other
	y = MakeYieldNow()
	if _, ok := y.Poll(cx); ok || other.n.Load() != 1 || cx.endOwnPoll() {
		t.Fatalf("combinator's waker: ready=%v, wakes %d; want pending, woken once", ok, other.n.Load())
	}

	// Tasks that yield take turns, and a main future that yields runs to
	// completion, on both runtimes.
	for _, mk := range []func() *Runtime{NewCurrentThread, func() *Runtime { return NewMultiThread(WithWorkers(1)) }} {
		r := mk()
		var order []int
		const n = 50
		hs := make([]*JoinHandle[int], 2)
		// Each task yields until both were polled once, so that the
		// turns are counted only once both are queued: a multi-thread
		// worker may otherwise run the first task's 50 steps before this
		// goroutine spawns the second (seen under load in CI).
		var started atomic.Int32
		for i := range hs {
			steps := yieldSteps(n, func() { order = append(order, i) })
			first, y := true, MakeYieldNow()
			hs[i] = SpawnOn(r, PollFunc(func(cx *Context) (int, bool) {
				if first {
					first = false
					started.Add(1)
				}
				for started.Load() < int32(len(hs)) {
					if _, ok := y.Poll(cx); !ok {
						return 0, false
					}
					y = MakeYieldNow()
				}
				return steps.Poll(cx)
			}))
		}
		for _, h := range hs {
			if got := BlockOn(r, h.JoinAsync()); got.V1 != nil || got.V0 != n {
				t.Fatalf("task: %v", got)
			}
		}
		for i := 2; i < len(order); i++ {
			if order[i] == order[i-1] && order[i-1] == order[i-2] {
				t.Fatalf("a yielding task ran three times in a row: %v", order)
			}
		}
		if got := BlockOn(r, yieldSteps(n, func() {})); got != n {
			t.Fatalf("main future: %d", got)
		}
		r.Shutdown()
	}
}

// yieldSteps yields n times, calling step before each yield.
func yieldSteps(n int, step func()) Future[int] {
	i := 0
	y := MakeYieldNow()
	return PollFunc(func(cx *Context) (int, bool) {
		for i < n {
			if _, ok := y.Poll(cx); !ok {
				return 0, false
			}
			y = MakeYieldNow()
			i++
			step()
		}
		return n, true
	})
}

// TestMainYieldRepoll: a current-thread main future that yields is polled
// again in place (Context.repoll) only while nothing else is runnable:
// every re-poll is counted as a main poll, and a task that is queued runs
// between two of main's yields, as from the driver's loop.
func TestMainYieldRepoll(t *testing.T) {
	const n = 200
	r := NewCurrentThread()
	if got := BlockOn(r, yieldSteps(n, func() {})); got != n {
		t.Fatalf("main future: %d", got)
	}
	if got := r.Metrics().MainPolls; got != n+1 {
		t.Fatalf("%d main polls for %d yields, want %d", got, n, n+1)
	}
	var order []int
	h := SpawnOn(r, yieldSteps(n, func() { order = append(order, 1) }))
	BlockOn(r, yieldSteps(n, func() { order = append(order, 0) }))
	BlockOn(r, h.JoinAsync())
	r.Shutdown()
	run, tasks := 0, 0
	for _, o := range order {
		if o == 1 {
			run, tasks = 0, tasks+1
			continue
		}
		if run++; run > 2 && tasks < n {
			t.Fatalf("main yielded %d times in a row while the task was runnable: %v", run, order)
		}
	}
}
