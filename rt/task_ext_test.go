package rt

import (
	"errors"
	"sync/atomic"
	"testing"
)

// gateFuture is pending until opened (then ready with 7, or panics if
// boom); it keeps the waker of its last poll.
type gateFuture struct {
	open, boom atomic.Bool
	w          atomic.Pointer[Waker]
}

func (g *gateFuture) Poll(cx *Context) (int, bool) {
	if !g.open.Load() {
		w := cx.Waker()
		g.w.Store(&w)
		return 0, false
	}
	if g.boom.Load() {
		panic("boom")
	}
	return 7, true
}

func (g *gateFuture) openGate() {
	g.open.Store(true)
	(*g.w.Load()).Wake()
}

// TestTaskExtWord walks a task's one word for joiners, frames and error
// through its states: a lone waiter that is not a task sits there in a box,
// a second distinct waiter moves both into a join state, and completion
// wakes each once and leaves the result's error where Join finds it.
func TestTaskExtWord(t *testing.T) {
	for _, boom := range []bool{false, true} {
		r := NewCurrentThread()
		g := &gateFuture{}
		g.boom.Store(boom)
		h := SpawnOn(r, Future[int](g))
		BlockOn(r, YieldNowAsync()) // the task runs and parks on the gate
		if p, tag := h.t.loadExt(); p != nil || tag != extNone {
			t.Fatalf("a task nobody joins has ext %p tag %d", p, tag)
		}
		jf := h.JoinAsync()
		w1, w2 := &countWaker{}, &countWaker{}
		for range 2 { // the same waker twice is one waiter
			if _, ok := jf.Poll(NewContext(w1)); ok {
				t.Fatal("join ready before the task completed")
			}
		}
		if p, tag := h.t.loadExt(); tag != extBox || *(*Waker)(p) != Waker(w1) {
			t.Fatalf("lone waiter: ext tag %d, want a box (%d) holding it", tag, extBox)
		}
		if boom {
			// One waiter, cancelled: the word is empty again; registered anew.
			jf.(*joinFuture[int]).Cancel()
			if p, _ := h.t.loadExt(); p != nil {
				t.Fatal("Cancel of the lone waiter left it registered")
			}
			jf.Poll(NewContext(w1))
		}
		jf.Poll(NewContext(w2))
		if p, tag := h.t.loadExt(); tag != extJoin || len((*joinState)(p).wakers) != 2 {
			t.Fatalf("two waiters: ext tag %d, want a join state (%d) with both", tag, extJoin)
		}
		g.openGate()
		res := BlockOn(r, h.JoinAsync())
		if w1.n.Load() != 1 || w2.n.Load() != 1 {
			t.Fatalf("waiters woken %d and %d times, want once each", w1.n.Load(), w2.n.Load())
		}
		var je *JoinError
		switch {
		case !boom && (res.V0 != 7 || res.V1 != nil):
			t.Fatalf("Join = %v, %v; want 7, nil", res.V0, res.V1)
		case boom && (!errors.As(res.V1, &je) || !je.IsPanic() || h.t.joinErr() != je):
			t.Fatalf("Join error %v, want the task's panic, kept in its join state", res.V1)
		}
		r.Shutdown()
	}
}

// TestTaskExtErr: a task that fails with nobody joining it keeps its
// JoinError in the word itself, and a late Join reads it.
func TestTaskExtErr(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	g := &gateFuture{}
	g.boom.Store(true)
	g.open.Store(true)
	h := SpawnOn(r, Future[int](g))
	BlockOn(r, YieldNowAsync())
	if !h.IsFinished() {
		t.Fatal("task did not run")
	}
	p, tag := h.t.loadExt()
	if tag != extErr || (*JoinError)(p) == nil || !(*JoinError)(p).IsPanic() {
		t.Fatalf("ext tag %d, want the JoinError (%d)", tag, extErr)
	}
	if _, err := h.Join(); err != error((*JoinError)(p)) {
		t.Fatalf("Join error %v, want the kept one", err)
	}
}
