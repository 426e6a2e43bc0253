package rt

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRunReturnsOutput(t *testing.T) {
	f := &counterFuture{t: t, k: 3, out: 42}
	if got := Run[int](f); got != 42 {
		t.Fatalf("Run = %d, want 42", got)
	}
	if n := f.g.polls.Load(); n != 4 {
		t.Fatalf("polls = %d, want 4", n)
	}
}

// TestInterleavingRoundRobin: tasks that yield are polled in FIFO order, so
// N tasks yielding K times each run in rounds: 0..N-1, 0..N-1, ...
func TestInterleavingRoundRobin(t *testing.T) {
	const N, K = 5, 4
	var log []int // only touched on the runtime goroutine
	worker := func(i int) Future[int] {
		var y Future[struct{}]
		k := 0
		return PollFunc(func(cx *Context) (int, bool) {
			for {
				if y != nil {
					if _, ok := y.Poll(cx); !ok {
						return 0, false
					}
					y = nil
				}
				log = append(log, i)
				if k == K {
					return i, true
				}
				k++
				y = YieldNowAsync()
			}
		})
	}
	var hs []*JoinHandle[int]
	sum := 0
	main := PollFunc(func(cx *Context) (int, bool) {
		if hs == nil {
			for i := 0; i < N; i++ {
				h, _ := SpawnAsync(worker(i)).Poll(cx)
				hs = append(hs, h)
			}
		}
		for len(hs) > 0 {
			r, ok := hs[0].JoinAsync().Poll(cx)
			if !ok {
				return 0, false
			}
			if r.V1 != nil {
				t.Errorf("join: %v", r.V1)
			}
			sum += r.V0
			hs = hs[1:]
		}
		return sum, true
	})
	if got := Run(main); got != N*(N-1)/2 {
		t.Fatalf("sum = %d", got)
	}
	var want []int
	for k := 0; k <= K; k++ {
		for i := 0; i < N; i++ {
			want = append(want, i)
		}
	}
	if fmt.Sprint(log) != fmt.Sprint(want) {
		t.Fatalf("order\n got %v\nwant %v", log, want)
	}
}

func TestJoinFromAnotherTask(t *testing.T) {
	var out int
	var b *JoinHandle[int]
	main := PollFunc(func(cx *Context) (int, bool) {
		if b == nil {
			a, _ := SpawnAsync[int](&counterFuture{t: t, k: 2, out: 10}).Poll(cx)
			var r Tuple2[int, error]
			b, _ = SpawnAsync(PollFunc(func(cx *Context) (int, bool) {
				if !await(a.JoinAsync(), &r)(cx) {
					return 0, false
				}
				return r.V0 + 1, true
			})).Poll(cx)
		}
		r, ok := b.JoinAsync().Poll(cx)
		if !ok {
			return 0, false
		}
		out = r.V0
		return out, true
	})
	if got := Run(main); got != 11 {
		t.Fatalf("got %d, want 11", got)
	}
}

func TestJoinFromPlainGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	// Direct-mode Spawn: the default runtime's background driver runs it.
	h := Spawn[int](&counterFuture{t: t, k: 5, out: 7})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := h.Join(); v != 7 || err != nil {
				t.Errorf("Join = %v, %v", v, err)
			}
		}()
	}
	wg.Wait()
	if !h.IsFinished() {
		t.Fatal("IsFinished = false after Join")
	}

	// A task on an explicit runtime, joined by a goroutine while BlockOn drives.
	r := NewCurrentThread()
	defer r.Shutdown()
	sig := &signalFuture{t: t, target: 1}
	h2 := SpawnOn[int64](r, sig)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if v, err := h2.Join(); v != 1 || err != nil {
			t.Errorf("Join = %v, %v", v, err)
		}
	}()
	go sig.fire()
	BlockOn(r, h2.JoinAsync())
	<-done
}

func TestAbortBeforeRunning(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	f := &counterFuture{t: t, k: 1}
	h := SpawnOn[int](r, f)
	h.Abort()
	h.Abort() // idempotent
	res := BlockOn(r, h.JoinAsync())
	var je *JoinError
	if !errors.As(res.V1, &je) || !je.IsCancelled() || je.IsPanic() {
		t.Fatalf("join error = %#v", res.V1)
	}
	if n := f.cancels.Load(); n != 1 {
		t.Fatalf("Cancel called %d times, want 1", n)
	}
	if n := f.g.polls.Load(); n != 0 {
		t.Fatalf("aborted task was polled %d times", n)
	}
	if _, err := h.Join(); err != res.V1 {
		t.Fatalf("Join error %v != JoinAsync error %v", err, res.V1)
	}
}

func TestAbortIdleAfterRunning(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	sig := &signalFuture{t: t, target: 1}
	h := SpawnOn[int64](r, sig)
	var res Tuple2[int64, error]
	BlockOn(r, seq(
		func(cx *Context) bool { // let the task run once
			if sig.g.polls.Load() == 0 {
				YieldNowAsync().Poll(cx)
				return false
			}
			h.Abort()
			return true
		},
		await(h.JoinAsync(), &res),
	))
	if je, ok := res.V1.(*JoinError); !ok || !je.IsCancelled() {
		t.Fatalf("join error = %v", res.V1)
	}
	if n := sig.cancels.Load(); n != 1 {
		t.Fatalf("Cancel called %d times, want 1", n)
	}
	sig.fire() // a wake after cancellation is a no-op
	if n := sig.g.polls.Load(); n != 1 {
		t.Fatalf("polls = %d, want 1", n)
	}
}

func TestAbortWhileRunning(t *testing.T) {
	for _, readyAfterAbort := range []bool{false, true} {
		t.Run(fmt.Sprint("ready=", readyAfterAbort), func(t *testing.T) {
			var h *JoinHandle[int]
			f := &counterFuture{t: t, k: 100, out: 5}
			f.onPoll = func(n int) {
				if n == 1 {
					h.Abort() // while running
					if readyAfterAbort {
						f.k = 1
					}
				}
			}
			var res Tuple2[int, error]
			Run(seq(
				func(cx *Context) bool { h, _ = SpawnAsync[int](f).Poll(cx); return true },
				await(h2f(&h), &res),
			))
			if readyAfterAbort {
				if res.V0 != 5 || res.V1 != nil || f.cancels.Load() != 0 {
					t.Fatalf("got %v, cancels %d; want output 5 and no cancel", res, f.cancels.Load())
				}
				return
			}
			if je, ok := res.V1.(*JoinError); !ok || !je.IsCancelled() {
				t.Fatalf("join error = %v", res.V1)
			}
			if f.cancels.Load() != 1 || f.g.polls.Load() != 2 {
				t.Fatalf("cancels %d polls %d, want 1 and 2", f.cancels.Load(), f.g.polls.Load())
			}
		})
	}
}

// h2f defers reading *h until the first poll.
func h2f[T any](h **JoinHandle[T]) Future[Tuple2[T, error]] {
	return PollFunc(func(cx *Context) (Tuple2[T, error], bool) { return (*h).JoinAsync().Poll(cx) })
}

func TestAbortAfterComplete(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	f := &counterFuture{t: t, k: 0, out: 3}
	h := SpawnOn[int](r, f)
	res := BlockOn(r, h.JoinAsync())
	h.Abort()
	if v, err := h.Join(); v != 3 || err != nil || res.V0 != 3 || f.cancels.Load() != 0 {
		t.Fatalf("Join = %v, %v; cancels %d", v, err, f.cancels.Load())
	}
}

type boomError struct{ msg string }

func (e *boomError) Error() string { return e.msg }

func panicky(v any) Future[int] {
	return PollFunc(func(*Context) (int, bool) { panicHere(v); return 0, true })
}

func panicHere(v any) { panic(v) }

func TestPanicBecomesJoinError(t *testing.T) {
	boom := &boomError{"boom"}
	var res Tuple2[int, error]
	var other int
	r := NewCurrentThread()
	defer r.Shutdown()
	hp := SpawnOn(r, panicky(boom))
	ho := SpawnOn[int](r, &counterFuture{t: t, k: 3, out: 9})
	BlockOn(r, seq(await(hp.JoinAsync(), &res), func(cx *Context) bool {
		v, ok := ho.JoinAsync().Poll(cx)
		other = v.V0
		return ok
	}))
	var je *JoinError
	if !errors.As(res.V1, &je) || !je.IsPanic() || je.IsCancelled() {
		t.Fatalf("join error = %#v", res.V1)
	}
	if je.Value != any(boom) {
		t.Fatalf("panic value %v, want %v", je.Value, boom)
	}
	if !errors.Is(res.V1, boom) {
		t.Fatal("errors.Is does not see the panic value")
	}
	if !strings.Contains(string(je.Stack), "panicHere") {
		t.Fatalf("stack lacks the panicking function:\n%s", je.Stack)
	}
	if other != 9 {
		t.Fatalf("other task output %d, want 9 (runtime must keep running)", other)
	}
	if m := r.Metrics(); m.Completed != 2 || m.Spawned != 2 {
		t.Fatalf("metrics %+v", m)
	}
}

func TestRunRepanicsOriginalValue(t *testing.T) {
	boom := &boomError{"main"}
	defer func() {
		if p := recover(); p != any(boom) {
			t.Fatalf("recovered %v, want the original %v", p, boom)
		}
	}()
	Run(panicky(boom))
}

func TestRunShutsDownPendingTasks(t *testing.T) {
	p := &pending{}
	Run(PollFunc(func(cx *Context) (struct{}, bool) {
		SpawnAsync[struct{}](p).Poll(cx)
		return struct{}{}, true
	}))
	if p.cancels.Load() != 1 {
		t.Fatalf("cancels = %d, want 1", p.cancels.Load())
	}
}

func TestShutdown(t *testing.T) {
	r := NewCurrentThread()
	var ps [3]pending
	var hs []*JoinHandle[struct{}]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		if hs == nil {
			for i := range ps {
				h, _ := SpawnAsync[struct{}](&ps[i]).Poll(cx)
				hs = append(hs, h)
			}
			YieldNowAsync().Poll(cx) // let them run once
			return struct{}{}, false
		}
		return struct{}{}, true
	}))
	queued := &pending{}
	hq := SpawnOn[struct{}](r, queued) // in the inject queue, never run
	r.Shutdown()
	r.Shutdown() // idempotent
	for i := range ps {
		if ps[i].polls.Load() != 1 || ps[i].cancels.Load() != 1 {
			t.Fatalf("task %d: polls %d cancels %d", i, ps[i].polls.Load(), ps[i].cancels.Load())
		}
		if _, err := hs[i].Join(); err == nil || !err.(*JoinError).IsCancelled() {
			t.Fatalf("task %d: join err %v", i, err)
		}
	}
	if queued.polls.Load() != 0 || queued.cancels.Load() != 1 || !hq.IsFinished() {
		t.Fatalf("queued task: polls %d cancels %d", queued.polls.Load(), queued.cancels.Load())
	}
	late := &pending{}
	if _, err := SpawnOn[struct{}](r, late).Join(); err == nil || late.cancels.Load() != 1 {
		t.Fatalf("spawn after shutdown: err %v cancels %d", err, late.cancels.Load())
	}
	m := r.Metrics()
	if m.LiveTasks != 0 || m.QueueDepth != 0 || m.Completed != 5 {
		t.Fatalf("metrics after shutdown %+v", m)
	}
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "shut down") {
			t.Fatalf("BlockOn after Shutdown: recovered %v", p)
		}
	}()
	BlockOn(r, Ready(1))
}

// TestWakeStress: many goroutines wake tasks concurrently while the runtime
// polls them. Every task must complete (no lost wake-up) and no future may be
// polled concurrently (the pollGuard fails the test on a double poll).
func TestWakeStress(t *testing.T) {
	defer goleak.VerifyNone(t)
	const tasks, wakers, firesPerWaker = 16, 8, 200
	r := NewCurrentThread()
	defer r.Shutdown()
	sigs := make([]*signalFuture, tasks)
	hs := make([]*JoinHandle[int64], tasks)
	for i := range sigs {
		sigs[i] = &signalFuture{t: t, target: wakers * firesPerWaker}
		hs[i] = SpawnOn[int64](r, sigs[i])
	}
	all := append([]*JoinHandle[int64](nil), hs...)
	var wg sync.WaitGroup
	for w := 0; w < wakers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < firesPerWaker; k++ {
				for _, s := range sigs {
					s.fire()
					if k%16 == 0 {
						runtime.Gosched()
					}
				}
			}
			// Wakes after (or racing with) completion are no-ops.
			for _, h := range all {
				h.t.Wake()
			}
		}()
	}
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for len(hs) > 0 {
			res, ok := hs[0].JoinAsync().Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if res.V0 != wakers*firesPerWaker || res.V1 != nil {
				t.Errorf("task output %v", res)
			}
			hs = hs[1:]
		}
		return struct{}{}, true
	}))
	wg.Wait()
	m := r.Metrics()
	if m.Completed != tasks {
		t.Fatalf("completed %d, want %d", m.Completed, tasks)
	}
	t.Logf("metrics %+v", m)
}

// TestBudget: a task looping on an always-ready leaf is forced to yield after
// 128 units, so another task makes progress.
func TestBudget(t *testing.T) {
	var stop bool
	var units, polls int
	spinner := PollFunc(func(cx *Context) (int, bool) {
		polls++
		for !stop {
			if !readyLeaf(cx) {
				return 0, false
			}
			units++
		}
		return units, true
	})
	stopper := PollFunc(func(cx *Context) (struct{}, bool) { stop = true; return struct{}{}, true })
	r := NewCurrentThread()
	defer r.Shutdown()
	var hs *JoinHandle[int]
	var res Tuple2[int, error]
	BlockOn(r, seq(
		func(cx *Context) bool {
			hs, _ = SpawnAsync(spinner).Poll(cx)
			SpawnAsync(stopper).Poll(cx)
			return true
		},
		await(h2f(&hs), &res),
	))
	if res.V0 != taskBudget || polls != 2 {
		t.Fatalf("units %d polls %d, want %d and 2", res.V0, polls, taskBudget)
	}
	if m := r.Metrics(); m.BudgetYields != 1 {
		t.Fatalf("budget yields %d, want 1", m.BudgetYields)
	}
}

func TestUnconstrained(t *testing.T) {
	const want = 10 * taskBudget
	units, polls := 0, 0
	f := Unconstrained(PollFunc(func(cx *Context) (int, bool) {
		polls++
		for units < want {
			if !readyLeaf(cx) {
				return 0, false
			}
			units++
		}
		return units, true
	}))
	r := NewCurrentThread()
	defer r.Shutdown()
	res := BlockOn(r, SpawnOn(r, f).JoinAsync())
	if res.V0 != want || polls != 1 {
		t.Fatalf("units %d polls %d, want %d in one poll", res.V0, polls, want)
	}
	// The budget is restored after the unconstrained section.
	cx := &Context{}
	cx.reset(nil)
	Unconstrained(Ready(1)).Poll(cx)
	if cx.budget != taskBudget {
		t.Fatalf("budget %d after Unconstrained, want %d", cx.budget, taskBudget)
	}
}

func TestYieldNowAsyncPendingOnce(t *testing.T) {
	var w countWaker
	cx := NewContext(&w)
	y := YieldNowAsync()
	if _, ok := y.Poll(cx); ok || w.n.Load() != 1 {
		t.Fatalf("first poll: ready=%v wakes=%d", ok, w.n.Load())
	}
	if _, ok := y.Poll(cx); !ok || w.n.Load() != 1 {
		t.Fatalf("second poll: ready=%v wakes=%d", ok, w.n.Load())
	}
}

type countWaker struct{ n atomic.Int32 }

func (w *countWaker) Wake() { w.n.Add(1) }

func TestBlockingFromTaskPanics(t *testing.T) {
	cases := []struct {
		name string
		op   func(other *JoinHandle[int64])
		want string
	}{
		{"Await", func(*JoinHandle[int64]) { Await[struct{}](&pending{}) }, "corio/rt: Await called from inside a task on a runtime goroutine; use AwaitAsync in an async function"},
		{"Join", func(h *JoinHandle[int64]) { h.Join() }, "corio/rt: Join called from inside a task on a runtime goroutine; use JoinAsync in an async function"},
		{"BlockOn", func(*JoinHandle[int64]) { Run(Ready(1)) }, "corio/rt: BlockOn called from inside a task"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewCurrentThread()
			defer r.Shutdown()
			sig := &signalFuture{t: t, target: 1}
			other := SpawnOn[int64](r, sig)
			h := SpawnOn(r, PollFunc(func(*Context) (int, bool) {
				if got := Await(Ready(5)); got != 5 { // ready at once: allowed
					t.Errorf("Await(Ready) = %d", got)
				}
				c.op(other)
				return 0, true
			}))
			res := BlockOn(r, h.JoinAsync())
			je, ok := res.V1.(*JoinError)
			if !ok || !strings.HasPrefix(fmt.Sprint(je.Value), c.want) {
				t.Fatalf("got %v, want panic %q", res.V1, c.want)
			}
			// The main future counts as inside the runtime too.
			defer func() {
				if p := recover(); !strings.HasPrefix(fmt.Sprint(p), "corio/rt: Await called") {
					t.Fatalf("main future: recovered %v", p)
				}
			}()
			BlockOn(r, PollFunc(func(*Context) (int, bool) { Await[struct{}](&pending{}); return 0, true }))
		})
	}
}

func TestAwaitDirect(t *testing.T) {
	defer goleak.VerifyNone(t)
	sig := &signalFuture{t: t, target: 3}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 3; i++ {
			sig.fire()
			runtime.Gosched()
		}
	}()
	if got := Await[int64](sig); got != 3 {
		t.Fatalf("Await = %d", got)
	}
	<-done
	slot := newChanSlot[string](1)
	go slot.send("hi")
	if got := Await(slot.recv()); got != "hi" {
		t.Fatalf("Await(recv) = %q", got)
	}
}

func TestSpawnAsyncWithoutRuntimeUsesDefault(t *testing.T) {
	defer goleak.VerifyNone(t)
	h := Await(SpawnAsync[int](&counterFuture{t: t, k: 2, out: 8}))
	if v, err := h.Join(); v != 8 || err != nil {
		t.Fatalf("Join = %v, %v", v, err)
	}
	// Chained direct-mode spawns: each task spawns the next on the runtime
	// polling it (the default runtime).
	var chain func(n int) Future[int]
	chain = func(n int) Future[int] {
		var h *JoinHandle[int]
		return PollFunc(func(cx *Context) (int, bool) {
			if n == 0 {
				return 0, true
			}
			if h == nil {
				h, _ = SpawnAsync(chain(n - 1)).Poll(cx)
			}
			r, ok := h.JoinAsync().Poll(cx)
			return r.V0 + 1, ok
		})
	}
	if v, err := Spawn(chain(100)).Join(); v != 100 || err != nil {
		t.Fatalf("chain = %v, %v", v, err)
	}
}

func TestChannelFutures(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n = 100
	in := newChanSlot[int](n)
	got := 0
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; i <= n; i++ {
			in.send(i)
		}
	}()
	Run(PollFunc(func(cx *Context) (struct{}, bool) {
		for got < n {
			v, ok := in.recv().Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if v != got+1 {
				t.Errorf("received %d after %d", v, got)
			}
			got = v
		}
		return struct{}{}, true
	}))
	wg.Wait()
}

func TestMetrics(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var hs []*JoinHandle[int]
	for i := 0; i < 10; i++ {
		hs = append(hs, SpawnOn[int](r, &counterFuture{t: t, k: 2}))
	}
	if m := r.Metrics(); m.Spawned != 10 || m.QueueDepth != 10 {
		t.Fatalf("before run %+v", m)
	}
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		if !hs[len(hs)-1].IsFinished() {
			YieldNowAsync().Poll(cx)
			return struct{}{}, false
		}
		return struct{}{}, true
	}))
	m := r.Metrics()
	if m.Spawned != 10 || m.Completed != 10 || m.Polls != 30 || m.QueueDepth != 0 || m.LiveTasks != 0 {
		t.Fatalf("after run %+v", m)
	}
}

func TestJoinErrorStrings(t *testing.T) {
	for _, c := range []struct {
		e    *JoinError
		want string
	}{
		{&JoinError{cancelled: true, id: 7}, "corio/rt: task 7 cancelled"},
		{&JoinError{Value: "x", Stack: []byte("s"), id: 7}, "corio/rt: task 7 panicked: x"},
		{&JoinError{Value: "x", Stack: []byte("s"), cancelled: true, id: 7}, "corio/rt: task 7 cancelled; Cancel panicked: x"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestCancelPanicRecorded(t *testing.T) {
	r := NewCurrentThread()
	h := SpawnOn[struct{}](r, &panicOnCancel{})
	r.Shutdown()
	_, err := h.Join()
	je := err.(*JoinError)
	if !je.IsCancelled() || !je.IsPanic() || je.Value != "cancel boom" {
		t.Fatalf("join error %#v", je)
	}
}

type panicOnCancel struct{ pending }

func (*panicOnCancel) Cancel() { panic("cancel boom") }

func TestShutdownFromOwnTaskPanics(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	h := SpawnOn(r, PollFunc(func(*Context) (int, bool) { r.Shutdown(); return 0, true }))
	res := BlockOn(r, h.JoinAsync())
	if je, ok := res.V1.(*JoinError); !ok || !strings.Contains(fmt.Sprint(je.Value), "Shutdown called from inside a task") {
		t.Fatalf("got %v", res.V1)
	}
}

// TestBudgetRemoteSpawned: the budget also gives way to tasks that arrived
// through the inject queue (spawned from another goroutine).
func TestBudgetRemoteSpawned(t *testing.T) {
	stop := false
	units := 0
	r := NewCurrentThread()
	defer r.Shutdown()
	spinner := SpawnOn(r, PollFunc(func(cx *Context) (int, bool) {
		for !stop {
			if !readyLeaf(cx) {
				return 0, false
			}
			units++
		}
		return units, true
	}))
	SpawnOn(r, PollFunc(func(*Context) (struct{}, bool) { stop = true; return struct{}{}, true }))
	if res := BlockOn(r, spinner.JoinAsync()); res.V0 != taskBudget {
		t.Fatalf("units %d, want %d", res.V0, taskBudget)
	}
}

// TestPanicKeepsBatchGoing: several panicking tasks in one batch each get
// their own JoinError and the rest of the batch still runs.
func TestPanicKeepsBatchGoing(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var hs []*JoinHandle[int]
	for i := 0; i < 10; i++ {
		if i%2 == 0 {
			hs = append(hs, SpawnOn(r, panicky(i)))
		} else {
			hs = append(hs, SpawnOn[int](r, &counterFuture{t: t, k: 1, out: i}))
		}
	}
	for i, h := range hs {
		res := BlockOn(r, h.JoinAsync())
		if i%2 == 0 {
			if je, ok := res.V1.(*JoinError); !ok || je.Value != any(i) {
				t.Fatalf("task %d: %v", i, res.V1)
			}
		} else if res.V0 != i || res.V1 != nil {
			t.Fatalf("task %d: %v", i, res)
		}
	}
}

func TestYieldNowDirect(t *testing.T) {
	YieldNow() // runtime.Gosched; must simply return
}

func TestConcurrentBlockOnSerialized(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := NewCurrentThread()
	defer r.Shutdown()
	var wg sync.WaitGroup
	var sum atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				sum.Add(int64(BlockOn[int](r, &counterFuture{t: t, k: 2, out: 1})))
			}
		}()
	}
	wg.Wait()
	if sum.Load() != 200 {
		t.Fatalf("sum %d", sum.Load())
	}
}
