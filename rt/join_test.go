package rt

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestJoin2(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		p0, p1 := newProbe(t, 3, 3), newProbe(t, "five", 5)
		out := runOn(t, r, Join2Async[int, string](p0, p1))
		if out != (Tuple2[int, string]{3, "five"}) {
			t.Fatalf("got %+v", out)
		}
		// The probes fail the test if polled after they completed.
		if p0.polls.Load() != 3 || p1.polls.Load() != 5 || p0.cancels.Load()+p1.cancels.Load() != 0 {
			t.Fatalf("polls %d, %d, cancels %d, %d; want 3, 5, 0, 0",
				p0.polls.Load(), p1.polls.Load(), p0.cancels.Load(), p1.cancels.Load())
		}
	})
}

func TestJoin3Join4(t *testing.T) {
	a, b, c := Join3[int, string, bool](newProbe(t, 1, 2), newProbe(t, "x", 1), newProbe(t, true, 3))
	if a != 1 || b != "x" || !c {
		t.Fatalf("Join3: %v %v %v", a, b, c)
	}
	w, x, y, z := Join4[int, int, int, int](newProbe(t, 1, 4), newProbe(t, 2, 3), newProbe(t, 3, 2), newProbe(t, 4, 1))
	if w != 1 || x != 2 || y != 3 || z != 4 {
		t.Fatalf("Join4: %v %v %v %v", w, x, y, z)
	}
}

// logged is a never-ready future that appends id to *log at each poll.
func logged(id int, log *[]int) Future[int] {
	return PollFunc(func(*Context) (int, bool) {
		*log = append(*log, id)
		return 0, false
	})
}

// TestJoinRotation: each poll starts one branch further along, so every
// branch is first in turn.
func TestJoinRotation(t *testing.T) {
	var log []int
	cx := NewContext(nopWaker{})
	fs := []Future[int]{logged(0, &log), logged(1, &log), logged(2, &log)}
	cases := []struct {
		name string
		f    Future[any]
		n    int
	}{
		{"Join2", erase(Join2Async(fs[0], fs[1])), 2},
		{"Join3", erase(Join3Async(fs[0], fs[1], fs[2])), 3},
		{"Join4", erase(Join4Async(fs[0], fs[1], fs[2], logged(3, &log))), 4},
		{"JoinAll", erase(JoinAllAsync(fs)), 3},
	}
	for _, c := range cases {
		log = nil
		var want []int
		for round := range c.n + 1 {
			c.f.Poll(cx)
			for i := range c.n {
				want = append(want, (round+i)%c.n)
			}
		}
		if !slices.Equal(log, want) {
			t.Fatalf("%s: poll order %v, want %v", c.name, log, want)
		}
	}
}

// erase turns a Future[T] into a Future[any] that forwards Cancel.
func erase[T any](f Future[T]) Future[any] { return &erased[T]{f} }

type erased[T any] struct{ f Future[T] }

func (e *erased[T]) Poll(cx *Context) (any, bool) { return e.f.Poll(cx) }
func (e *erased[T]) Cancel()                      { Cancel(e.f) }

// TestJoinRotationBudget: a branch that spends the whole budget at every
// poll does not starve a branch that needs one unit, because the other
// branch goes first at the next poll.
func TestJoinRotationBudget(t *testing.T) {
	leafDone := false
	hogPolls := 0
	hog := PollFunc(func(cx *Context) (int, bool) {
		hogPolls++
		if leafDone || hogPolls > 100 {
			return hogPolls, true
		}
		for readyLeaf(cx) {
		}
		return 0, false
	})
	leaf := PollFunc(func(cx *Context) (int, bool) {
		if !readyLeaf(cx) {
			return 0, false
		}
		leafDone = true
		return 1, true
	})
	out := runTask(Join2Async(hog, leaf))
	if out.V0 > 3 {
		t.Fatalf("the hog was polled %d times before the leaf got a unit of budget", out.V0)
	}
}

// TestJoinCancel: Cancel cancels exactly the children not done, once each,
// however often it is called; a join polled afterwards panics.
func TestJoinCancel(t *testing.T) {
	cx := NewContext(nopWaker{})
	ps := probes(t, 1, 0, 0, 0)
	cases := []struct {
		name string
		f    Future[any]
		n    int
	}{
		{"Join2", erase(Join2Async[int, int](ps[0], ps[1])), 2},
		{"Join3", erase(Join3Async[int, int, int](ps[0], ps[1], ps[2])), 3},
		{"Join4", erase(Join4Async[int, int, int, int](ps[0], ps[1], ps[2], ps[3])), 4},
		{"JoinAll", erase(JoinAllAsync([]Future[int]{ps[0], ps[1], ps[2], ps[3]})), 4},
		{"TryJoin2", erase(TryJoin2Async(okAfter(ps[0]), okAfter(ps[1]))), 2},
		{"TryJoinAll", erase(TryJoinAllAsync([]Future[Tuple2[int, error]]{okAfter(ps[0]), okAfter(ps[1]), okAfter(ps[2])})), 3},
	}
	for _, c := range cases {
		for _, p := range ps {
			p.polls.Store(0)
			p.cancels.Store(0)
			p.ready.Store(false)
		}
		if _, ok := c.f.Poll(cx); ok {
			t.Fatalf("%s: ready with pending children", c.name)
		}
		c.f.(Canceler).Cancel()
		c.f.(Canceler).Cancel()
		for i, p := range ps {
			want := int32(1)
			if i == 0 || i >= c.n {
				want = 0 // completed, or not a child
			}
			if p.cancels.Load() != want {
				t.Fatalf("%s: child %d cancelled %d times, want %d", c.name, i, p.cancels.Load(), want)
			}
		}
		if msg := panicMessage(func() { c.f.Poll(cx) }); msg != "corio/rt: Join future polled after completion" {
			t.Fatalf("%s: poll after Cancel: panic %q", c.name, msg)
		}
	}
}

// okAfter is f's output with a nil error.
func okAfter[T any](f Future[T]) Future[Tuple2[T, error]] { return failAfter(f, nil) }

// failAfter is f's output with err, forwarding Cancel.
func failAfter[T any](f Future[T], err error) Future[Tuple2[T, error]] {
	return &withErr[T]{f, err}
}

type withErr[T any] struct {
	f   Future[T]
	err error
}

func (w *withErr[T]) Poll(cx *Context) (Tuple2[T, error], bool) {
	v, ok := w.f.Poll(cx)
	return Tuple2[T, error]{v, w.err}, ok
}

func (w *withErr[T]) Cancel() { Cancel(w.f) }

func TestJoinAll(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		// Sleeps finishing in the reverse order of the slice.
		fs := make([]Future[int], 8)
		for i := range fs {
			fs[i] = PollFunc(sleepThen(time.Duration(8-i)*time.Millisecond, i))
		}
		out := runOn(t, r, JoinAllAsync(fs))
		if !slices.Equal(out, []int{0, 1, 2, 3, 4, 5, 6, 7}) {
			t.Fatalf("got %v", out)
		}
		if slices.Contains(fs, nil) { // JoinAll forgets a done child by setting it to nil
			t.Fatal("JoinAll modified the caller's slice")
		}
		if out := runOn(t, r, JoinAllAsync[int](nil)); out == nil || len(out) != 0 {
			t.Fatalf("JoinAll(nil) = %#v, want an empty slice", out)
		}
	})
}

// sleepThen is a poll function that sleeps d, then returns v.
func sleepThen[T any](d time.Duration, v T) func(cx *Context) (T, bool) {
	s := SleepAsync(d)
	return func(cx *Context) (T, bool) {
		_, ok := s.Poll(cx)
		return v, ok
	}
}

// TestJoinAllTimeout: a Timeout around JoinAll cancels the children still
// pending, once each, and not those that completed.
func TestJoinAllTimeout(t *testing.T) {
	forPaused(t, func(t *testing.T, r *Runtime) {
		ps := probes(t, 1, 0, 0)
		out := runOn(t, r, TimeoutAsync(time.Second, JoinAllAsync([]Future[int]{ps[0], ps[1], ps[2]})))
		if !errors.Is(out.V1, ErrTimeout) {
			t.Fatalf("err %v, want a timeout", out.V1)
		}
		if c := []int32{ps[0].cancels.Load(), ps[1].cancels.Load(), ps[2].cancels.Load()}; !slices.Equal(c, []int32{0, 1, 1}) {
			t.Fatalf("cancels %v, want [0 1 1]", c)
		}
	})
}

var errBoom = errors.New("boom")

func TestTryJoin2(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		out := runOn(t, r, TryJoin2Async(okAfter(newProbe(t, 1, 2)), okAfter(newProbe(t, "two", 3))))
		if out != (Tuple3[int, string, error]{1, "two", nil}) {
			t.Fatalf("success: got %+v", out)
		}
		slow := newProbe(t, 0, 0)
		out2 := runOn(t, r, TryJoin2Async(okAfter(slow), failAfter(newProbe(t, "", 3), errBoom)))
		if out2.V2 != errBoom || out2.V1 != "" {
			t.Fatalf("failure: got %+v", out2)
		}
		if slow.cancels.Load() != 1 {
			t.Fatalf("the pending branch was cancelled %d times, want 1", slow.cancels.Load())
		}
	})
	// Both fail at the same (first) poll: the first polled, branch 0, wins;
	// branch 1 is cancelled without being polled.
	second := newProbe(t, 0, 1)
	_, _, err := TryJoin2(failAfter(newProbe(t, 0, 1), errBoom), failAfter(second, errors.New("second")))
	if err != errBoom || second.polls.Load() != 0 || second.cancels.Load() != 1 {
		t.Fatalf("err %v, second polled %d and cancelled %d times", err, second.polls.Load(), second.cancels.Load())
	}
}

func TestTryJoinAll(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		fs := []Future[Tuple2[int, error]]{okAfter(newProbe(t, 1, 3)), okAfter(newProbe(t, 2, 1)), okAfter(newProbe(t, 3, 2))}
		out := runOn(t, r, TryJoinAllAsync(fs))
		if out.V1 != nil || !slices.Equal(out.V0, []int{1, 2, 3}) {
			t.Fatalf("success: got %+v", out)
		}
		// Child 1 done, 0 and 3 pending when 2 fails at its third poll.
		ps := probes(t, 0, 1, 3, 0)
		fs = []Future[Tuple2[int, error]]{okAfter(ps[0]), okAfter(ps[1]), failAfter(ps[2], errBoom), okAfter(ps[3])}
		out = runOn(t, r, TryJoinAllAsync(fs))
		if out.V1 != errBoom || out.V0 != nil {
			t.Fatalf("failure: got %+v", out)
		}
		if c := []int32{ps[0].cancels.Load(), ps[1].cancels.Load(), ps[2].cancels.Load(), ps[3].cancels.Load()}; !slices.Equal(c, []int32{1, 0, 0, 1}) {
			t.Fatalf("cancels %v, want [1 0 0 1]", c)
		}
	})
}

// TestJoinDirect: Join2 and JoinAll from a plain goroutine, over sleeps on
// the real clock: they run concurrently, so the join takes about the
// longest, not the sum (checked as "both timers armed before either fired":
// every child is polled at the first poll).
func TestJoinDirect(t *testing.T) {
	var first []int
	mark := func(i int, d time.Duration) Future[int] {
		s := SleepAsync(d)
		polled := false
		return PollFunc(func(cx *Context) (int, bool) {
			if !polled {
				polled = true
				first = append(first, i)
			}
			_, ok := s.Poll(cx)
			return i, ok
		})
	}
	a, b := Join2(mark(0, 2*time.Millisecond), mark(1, time.Millisecond))
	if a != 0 || b != 1 || !slices.Equal(first, []int{0, 1}) {
		t.Fatalf("Join2 = %d, %d; first polls %v", a, b, first)
	}
	first = nil
	out := JoinAll([]Future[int]{mark(0, time.Millisecond), mark(1, 0), mark(2, time.Millisecond)})
	if !slices.Equal(out, []int{0, 1, 2}) || !slices.Equal(first, []int{0, 1, 2}) {
		t.Fatalf("JoinAll = %v; first polls %v", out, first)
	}
}

// TestJoinAllChildWakers: from childWakersFrom children on, a wake-up
// re-polls only the child that was woken: firing n children one by one costs
// about 2n child polls (the first poll, then one per wake), not n²/2, and
// wakes the joining task once per fire.
func TestJoinAllChildWakers(t *testing.T) {
	const n = 4 * childWakersFrom
	sigs := make([]*signalFuture, n)
	fs := make([]Future[int64], n)
	for i := range sigs {
		sigs[i] = &signalFuture{t: t, target: 1}
		fs[i] = sigs[i]
	}
	var w countWaker
	cx := NewContext(&w)
	j := JoinAllAsync(fs)
	if _, ok := j.Poll(cx); ok {
		t.Fatal("ready before any child fired")
	}
	var out []int64
	for k, i := range rand.Perm(n) {
		sigs[i].fire()
		if w.n.Load() != int32(k+1) {
			t.Fatalf("after %d fires the task was woken %d times", k+1, w.n.Load())
		}
		var ok bool
		if out, ok = j.Poll(cx); ok != (k == n-1) {
			t.Fatalf("ready %v after %d of %d fires", ok, k+1, n)
		}
	}
	var polls int64
	for _, s := range sigs {
		polls += s.g.polls.Load()
	}
	if polls != 2*n {
		t.Fatalf("%d child polls for %d children fired one by one, want %d", polls, n, 2*n)
	}
	if len(out) != n || slices.Contains(out, 0) {
		t.Fatalf("outputs %v", out)
	}
}

// TestJoinAllChildWakersBudget: with per-child wakers too, a child that
// spends the whole budget at every poll does not starve its siblings.
func TestJoinAllChildWakersBudget(t *testing.T) {
	leafDone := false
	hogPolls := 0
	fs := []Future[int]{
		PollFunc(func(cx *Context) (int, bool) {
			hogPolls++
			if leafDone || hogPolls > 100 {
				return hogPolls, true
			}
			for readyLeaf(cx) {
			}
			return 0, false
		}),
		PollFunc(func(cx *Context) (int, bool) {
			if !readyLeaf(cx) {
				return 0, false
			}
			leafDone = true
			return 1, true
		}),
	}
	for len(fs) < childWakersFrom {
		fs = append(fs, Ready(0))
	}
	out := runTask(JoinAllAsync(fs))
	if out[0] > 3 {
		t.Fatalf("the hog was polled %d times before the leaf got a unit of budget", out[0])
	}
}

// TestTryJoinAllChildWakers: the first error cancels every pending child
// once, with per-child wakers as without.
func TestTryJoinAllChildWakers(t *testing.T) {
	forRuntimes(t, func(t *testing.T, r *Runtime) {
		ps := probes(t, allAt(childWakersFrom+8, 0)...)
		fs := make([]Future[Tuple2[int, error]], len(ps))
		for i, p := range ps {
			fs[i] = okAfter(p)
		}
		ps[5].readyAt, ps[5].spin = 1, true
		ps[20].readyAt, ps[20].spin = 4, true
		fs[20] = failAfter(ps[20], errBoom)
		out := runOn(t, r, TryJoinAllAsync(fs))
		if out.V1 != errBoom {
			t.Fatalf("got %+v", out)
		}
		for i, p := range ps {
			want := int32(1)
			if i == 5 || i == 20 {
				want = 0
			}
			if p.cancels.Load() != want {
				t.Fatalf("child %d cancelled %d times, want %d", i, p.cancels.Load(), want)
			}
		}
	})
}
