package rt

import (
	"reflect"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// chainAfterPoll polls f once on r (it must stay pending) and returns its
// await chain, read by the goroutine that just polled it.
func chainAfterPoll[T any](t *testing.T, r *Runtime, f Future[T]) []Trace {
	t.Helper()
	var chain []Trace
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		if _, ok := f.Poll(cx); ok {
			t.Fatalf("%T ready at its first poll", f)
		}
		chain = TraceChain(f)
		Cancel(f)
		return struct{}{}, true
	}))
	return chain
}

func pausedRuntime(t *testing.T) *Runtime {
	r := NewCurrentThreadWith(WithPausedClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	t.Cleanup(r.Shutdown)
	return r
}

func checkChain(t *testing.T, got []Trace, want ...Trace) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("chain:\n got  %+v\n want %+v", got, want)
	}
}

func TestTraceSleepAndTimeout(t *testing.T) {
	r := pausedRuntime(t)
	s := SleepAsync(1500 * time.Millisecond)
	checkChain(t, TraceChain(s), Trace{Func: "rt.Sleep", Detail: "for 1.5s, not polled yet"})
	checkChain(t, chainAfterPoll(t, r, Future[struct{}](s)), Trace{Func: "rt.Sleep", Detail: "deadline in 1.5s"})

	f := TimeoutAsync(2*time.Second, Future[struct{}](SleepAsync(time.Second)))
	checkChain(t, chainAfterPoll(t, r, f),
		Trace{Func: "rt.Timeout[...]", Detail: "deadline in 2s"},
		Trace{Func: "rt.Sleep", Detail: "deadline in 1s"})
}

func TestTraceSelectJoin(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	p1, p2 := &pending{}, &pending{}
	checkChain(t, chainAfterPoll(t, r, Join3Async(Ready(1), Future[int](PollFunc(func(*Context) (int, bool) { return 0, false })), Ready(3))),
		Trace{Func: "rt.Join3[...]", Detail: "join of 3, 1 pending"},
		Trace{Func: "rt.pollFunc[int]"})
	checkChain(t, chainAfterPoll(t, r, Select2Async[struct{}, struct{}](p1, p2)),
		Trace{Func: "rt.Select2[...]", Detail: "select of 2"},
		Trace{Func: "*rt.pending"})
	checkChain(t, chainAfterPoll(t, r, JoinAllAsync([]Future[struct{}]{Ready(struct{}{}), p1, p2})),
		Trace{Func: "rt.JoinAll[...]", Detail: "join of 3, 2 pending"},
		Trace{Func: "*rt.pending"})
	checkChain(t, chainAfterPoll(t, r, SelectNAsync([]Future[struct{}]{YieldNowAsync(), p2})),
		Trace{Func: "rt.SelectN[...]", Detail: "select of 2"},
		Trace{Func: "rt.YieldNow", Detail: "yielded to the scheduler"})
}

func TestTraceJoinHandle(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var h *JoinHandle[struct{}]
	var chain []Trace
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		h = SpawnOn(r, Future[struct{}](&pending{}))
		j := h.JoinAsync()
		if _, ok := j.Poll(cx); ok {
			t.Fatal("join ready")
		}
		chain = TraceChain(j)
		Cancel(j)
		h.Abort()
		return struct{}{}, true
	}))
	checkChain(t, chain, Trace{Func: "rt.(*JoinHandle[...]).Join", Detail: "task " + strconv.FormatUint(h.ID(), 10)})
}

// TestTraceAsyncRace reads the direct-mode Async future's Trace while its
// goroutine completes (run with -race: Trace must read what the goroutine
// writes under the future's lock).
func TestTraceAsyncRace(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	release := make(chan struct{})
	f := Async(func() int { <-release; return 1 })
	if got := f.(Tracer).Trace(); got.Detail != "not started" {
		t.Errorf("before the first poll: %+v", got)
	}
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		if _, ok := f.Poll(cx); ok {
			t.Fatal("ready before its goroutine was released")
		}
		close(release)
		for f.(Tracer).Trace().Detail != "done" { // until the goroutine stored its result
			runtime.Gosched()
		}
		return struct{}{}, true
	}))
	if v := BlockOn(r, f); v != 1 {
		t.Errorf("Async = %d", v)
	}
}
