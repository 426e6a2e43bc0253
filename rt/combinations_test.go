package rt

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
)

// comboFuture is the task of TestTaskCombinations: pending at its first poll
// (registering its waker), ready with 42 at its second; it can panic in Poll
// or in Cancel, and abort its own handle during its first poll.
type comboFuture struct {
	polls, cancels atomic.Int32
	panicPoll      bool
	panicCancel    bool
	abortInPoll    func()
	waker          atomic.Pointer[Waker]
	ended          atomic.Bool // completed, panicked or cancelled: observed by the test
}

func (f *comboFuture) Poll(cx *Context) (int, bool) {
	n := f.polls.Add(1)
	if n == 1 {
		w := cx.Waker()
		f.waker.Store(&w)
		if f.abortInPoll != nil {
			f.abortInPoll()
		}
		if f.panicPoll {
			f.ended.Store(true)
			panic("poll boom")
		}
		return 0, false
	}
	f.ended.Store(true)
	return 42, true
}

func (f *comboFuture) Cancel() {
	f.cancels.Add(1)
	f.ended.Store(true)
	if f.panicCancel {
		panic("cancel boom")
	}
}

// TestTaskCombinations is Tokio's task_combinations matrix: runtime flavour ×
// how the handle is used (joined, dropped) × abort (none, before the first
// poll, while idle after it, during the poll) × panic (none, in Poll, in
// Cancel). Each combination checks the JoinError kind, Cancel's count and
// that the task ends.
func TestTaskCombinations(t *testing.T) {
	aborts := []string{"none", "before", "idle", "during"}
	panics := []string{"none", "poll", "cancel"}
	for _, fl := range flavours {
		for _, join := range []bool{true, false} {
			for _, ab := range aborts {
				for _, pn := range panics {
					name := fmt.Sprintf("%s/join=%v/abort=%s/panic=%s", fl.name, join, ab, pn)
					t.Run(name, func(t *testing.T) {
						runCombination(t, fl.new(), join, ab, pn)
					})
				}
			}
		}
	}
}

func runCombination(t *testing.T, r *Runtime, join bool, abort, pan string) {
	defer r.Shutdown()
	f := &comboFuture{panicPoll: pan == "poll", panicCancel: pan == "cancel"}
	var hp atomic.Pointer[JoinHandle[int]]
	if abort == "during" {
		f.abortInPoll = func() {
			for hp.Load() == nil { // a worker may poll before SpawnOn returned
				runtime.Gosched()
			}
			hp.Load().Abort()
		}
	}
	h := SpawnOn[int](r, f)
	hp.Store(h)
	// drive lets a current-thread runtime run (tasks run only inside BlockOn).
	drive := func(cond func() bool) {
		for !cond() {
			BlockOn(r, YieldNowAsync())
		}
	}
	switch abort {
	case "before":
		h.Abort()
	case "idle":
		drive(func() bool { return f.polls.Load() >= 1 })
		h.Abort()
	}
	if abort == "none" && pan != "poll" {
		drive(func() bool { return f.waker.Load() != nil })
		(*f.waker.Load()).Wake()
	}
	var err error
	var v int
	if join {
		res := BlockOn(r, h.JoinAsync())
		v, err = res.V0, res.V1
	} else {
		drive(func() bool { return h.IsFinished() })
		if !f.ended.Load() {
			t.Fatal("task finished without ending its future")
		}
		v, err = h.Join() // finished: does not block
	}
	polled := f.polls.Load() > 0
	je, _ := err.(*JoinError)
	switch {
	case pan == "poll" && polled:
		// A panic in Poll wins over an abort requested meanwhile.
		if je == nil || !je.IsPanic() || je.IsCancelled() || je.PanicValue() != "poll boom" {
			t.Fatalf("want poll panic, got %v", err)
		}
		if f.cancels.Load() != 0 {
			t.Fatal("Cancel called on a panicked task")
		}
	case abort != "none":
		if je == nil || !je.IsCancelled() {
			t.Fatalf("want cancelled, got %v, %v", v, err)
		}
		if f.cancels.Load() != 1 {
			t.Fatalf("Cancel called %d times", f.cancels.Load())
		}
		if (pan == "cancel") != je.IsPanic() {
			t.Fatalf("Cancel panic recorded = %v", je.IsPanic())
		}
		if abort == "before" && f.polls.Load() != 0 && r.sched != nil {
			if _, ct := r.sched.(*currentThread); ct {
				t.Fatal("a task aborted before its runtime ran was polled")
			}
		}
	default:
		if err != nil || v != 42 || f.cancels.Load() != 0 {
			t.Fatalf("want 42, got %v, %v (cancels %d)", v, err, f.cancels.Load())
		}
	}
	if je != nil && je.ID() != h.ID() {
		t.Fatalf("JoinError id %d, handle %d", je.ID(), h.ID())
	}
}
