package poller

import (
	"sync/atomic"
	"testing"
	"unsafe"
)

// boxedWaker is not the word type: a slot keeps it in a box it owns.
type boxedWaker struct{ n atomic.Int32 }

func (w *boxedWaker) Wake()       { w.n.Add(1) }
func (w *boxedWaker) woken() bool { return w.n.Load() > 0 }

// lendingWaker lends its own box (WakerBoxer).
type lendingWaker struct {
	n   atomic.Int32
	box Waker
}

func newLendingWaker() *lendingWaker {
	w := &lendingWaker{}
	w.box = w
	return w
}

func (w *lendingWaker) Wake()            { w.n.Add(1) }
func (w *lendingWaker) woken() bool      { return w.n.Load() > 0 }
func (w *lendingWaker) WakerBox() *Waker { return &w.box }

func TestSetWordWakerFirstTypeWins(t *testing.T) {
	if !SetWordWaker(new(countWaker)) {
		t.Error("SetWordWaker of the registered type again returned false")
	}
	if SetWordWaker(new(boxedWaker)) {
		t.Error("a second word type was accepted")
	}
}

// idleSocket registers end a of a new socketpair (a, b) and consumes the
// registration's first events and readiness, so that a wait pends.
func idleSocket(t *testing.T) (f *fixture, r Registration, a, b int) {
	f = newFixture(t)
	a, b = f.socketpair()
	r = f.register(a)
	f.drainPoll()
	r.ClearReadiness(r.Readiness())
	return f, r, a, b
}

// waiterTag returns the kind of the waiter word of r's slot for dir.
func waiterTag(r Registration, dir Direction) (p unsafe.Pointer, tag uintptr) {
	s := r.slot()
	s.lock()
	defer s.unlock()
	p = loadWaiter(s.waiter(dir))
	return p, uintptr(p) & waiterTagMask
}

// TestWaiterKinds waits with each kind of waker, in each direction, and
// checks how the slot keeps it and that an event wakes it.
func TestWaiterKinds(t *testing.T) {
	f, r, a, b := idleSocket(t)
	cases := []struct {
		name  string
		w     Waker
		woken func() bool
		tag   uintptr
	}{
		{"word", new(countWaker), nil, waiterWord},
		{"box", new(boxedWaker), nil, waiterBox},
		{"lent", newLendingWaker(), nil, waiterLent},
	}
	cases[0].woken = cases[0].w.(*countWaker).woken
	cases[1].woken = cases[1].w.(*boxedWaker).woken
	cases[2].woken = cases[2].w.(*lendingWaker).woken
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r.ClearReadiness(r.Readiness())
			if _, ok := r.PollReady(DirRead, c.w); ok {
				t.Fatal("readable before any write")
			}
			p, tag := waiterTag(r, DirRead)
			if p == nil || tag != c.tag {
				t.Fatalf("waiter word %p has tag %d, want %d", p, tag, c.tag)
			}
			write(t, b, "x")
			f.pollUntil(c.name+" waiter", c.woken)
			readAll(t, a)
			if armed(r, DirRead) {
				t.Fatal("waiter still armed after its wake-up")
			}
		})
	}
}

// TestBoxedWaiterAllocatesOncePerRegistration: a waker that is neither the
// word type nor a WakerBoxer gets a box at its registration's first wait,
// which later waits (and other such wakers) reuse; a lending waker and the
// word type never allocate.
func TestBoxedWaiterAllocatesOncePerRegistration(t *testing.T) {
	f, r, _, _ := idleSocket(t)
	waits := []Waker{new(boxedWaker), newLendingWaker(), new(countWaker)}
	var i int
	cycle := func() {
		w := waits[i%len(waits)]
		i++
		if _, ok := r.PollReady(DirRead, w); ok {
			t.Fatal("readable before any write")
		}
		ev := polledEvent{r.token(), Readable}
		f.p.dispatch([]polledEvent{ev})
		r.ClearReadiness(r.Readiness())
	}
	// The box-kind waiter's first wait allocates the box, which the
	// dispatch empties and keeps; later waits of that kind reuse it.
	cycle()
	box, tag := waiterTag(r, DirRead)
	if box == nil || tag != waiterBox {
		t.Fatalf("after a boxed wait the waiter word is %p (tag %d), want a kept box", box, tag)
	}
	if got := testing.AllocsPerRun(100, func() { i = 0; cycle() }); got != 0 {
		t.Errorf("later boxed waits: %v allocations, want 0", got)
	}
	if p, _ := waiterTag(r, DirRead); p != box {
		t.Errorf("boxed waits changed the box: %p, then %p", box, p)
	}
	// A lending waker and the word type never allocate.
	if got := testing.AllocsPerRun(100, func() { i = 1; cycle(); cycle() }); got != 0 {
		t.Errorf("lent and word waits: %v allocations, want 0", got)
	}
	for _, w := range waits {
		if !w.(interface{ woken() bool }).woken() {
			t.Errorf("%T never woken", w)
		}
	}
}

// TestClearWakerEachKind: ClearWaker forgets a waiter of every kind, which
// then sees neither an event nor shutdown.
func TestClearWakerEachKind(t *testing.T) {
	f, r, a, b := idleSocket(t)
	rd, wr := new(boxedWaker), newLendingWaker()
	wordW := new(countWaker)
	r.PollReady(DirRead, rd)
	fill(t, a)
	f.drainPoll()
	ev := r.Readiness()
	ev.Ready &= DirWrite.Mask()
	r.ClearReadiness(ev)
	if _, ok := r.PollReady(DirWrite, wr); ok {
		t.Fatal("writable after filling the socket")
	}
	r.ClearWaker(DirRead)
	r.ClearWaker(DirWrite)
	write(t, b, "x")
	f.drainPoll()
	if err := f.p.Deregister(r); err != nil {
		t.Fatal(err)
	}
	if rd.woken() || wr.woken() {
		t.Fatalf("cleared waiters woken: reader %v, writer %v", rd.woken(), wr.woken())
	}
	// And the word kind, on a fresh registration of the descriptor.
	r2 := f.register(a)
	r2.ClearReadiness(r2.Readiness())
	if _, ok := r2.PollReady(DirRead, wordW); ok {
		// the byte written above is still there: the fresh
		// registration reports it; drain and wait again
		readAll(t, a)
		r2.ClearReadiness(r2.Readiness())
		if _, ok := r2.PollReady(DirRead, wordW); ok {
			t.Fatal("readable after draining")
		}
	}
	r2.ClearWaker(DirRead)
	if err := f.p.Deregister(r2); err != nil {
		t.Fatal(err)
	}
	if wordW.woken() {
		t.Fatal("cleared word waiter woken by shutdown")
	}
}

// TestShutdownWakesEachKind: Deregister, a Register replacing a forgotten
// registration, and Close wake waiters of every kind.
func TestShutdownWakesEachKind(t *testing.T) {
	for _, how := range []string{"deregister", "reregister", "close"} {
		t.Run(how, func(t *testing.T) {
			f, r, a, _ := idleSocket(t)
			fill(t, a)
			f.drainPoll()
			r.ClearReadiness(r.Readiness())
			rd, wr := new(boxedWaker), newLendingWaker()
			if _, ok := r.PollReady(DirRead, rd); ok {
				t.Fatal("readable")
			}
			if _, ok := r.PollReady(DirWrite, wr); ok {
				t.Fatal("writable after filling")
			}
			switch how {
			case "deregister":
				if err := f.p.Deregister(r); err != nil {
					t.Fatal(err)
				}
			case "reregister":
				// The descriptor stays registered with epoll, so the new
				// Register fails with EEXIST and restores the slot: its
				// waiters must be back, and not woken.
				if _, err := f.p.Register(a); err == nil {
					t.Fatal("second Register of a watched descriptor succeeded")
				}
				if rd.woken() || wr.woken() {
					t.Fatal("a failed Register woke the waiters")
				}
				if p, tag := waiterTag(r, DirRead); p == nil || tag != waiterBox {
					t.Fatalf("reader not restored: %p tag %d", p, tag)
				}
				if p, tag := waiterTag(r, DirWrite); p == nil || tag != waiterLent {
					t.Fatalf("writer not restored: %p tag %d", p, tag)
				}
				// Drop the epoll item behind the poller's back (what a
				// close without Deregister does), then register again.
				if err := f.p.b.del(a); err != nil {
					t.Fatal(err)
				}
				if _, err := f.p.Register(a); err != nil {
					t.Fatal(err)
				}
			case "close":
				if err := f.p.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if !rd.woken() || !wr.woken() {
				t.Fatalf("after %s: reader woken %v, writer woken %v", how, rd.woken(), wr.woken())
			}
			if ev := r.Readiness(); !ev.Shutdown {
				t.Fatalf("after %s: %+v, want shut down", how, ev)
			}
		})
	}
}
