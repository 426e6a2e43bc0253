package poller

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// armed reports whether r's slot has dir's armed bit set.
func armed(r Registration, dir Direction) bool { return r.slot().word.Load()&armedBit(dir) != 0 }

// TestWaitAgainOnlyArms: a task's first wait in a direction stores it in
// the waiter word and arms it; the event wakes it and disarms it but leaves
// the word, and an event with the waiter disarmed wakes nobody. A wait that
// finds another waiter in the word replaces it before arming.
func TestWaitAgainOnlyArms(t *testing.T) {
	f, r, a, b := idleSocket(t)
	w := new(countWaker)
	if _, ok := r.PollReady(DirRead, w); ok {
		t.Fatal("ready before any write")
	}
	s := r.slot()
	if p := loadWaiter(&s.reader); p != unsafe.Pointer(w) || !armed(r, DirRead) {
		t.Fatalf("after the first wait: reader word %p (want %p), armed %v", p, w, armed(r, DirRead))
	}
	write(t, b, "x")
	f.pollUntil("first wake-up", w.woken)
	if armed(r, DirRead) || loadWaiter(&s.reader) != unsafe.Pointer(w) {
		t.Fatalf("after the wake-up: armed %v, reader word %p; want disarmed, kept", armed(r, DirRead), loadWaiter(&s.reader))
	}
	readAll(t, a)
	r.ClearReadiness(r.Readiness())
	// An event now wakes nobody: the waiter word is kept but not armed.
	write(t, b, "y")
	f.drainPoll()
	if w.count() != 1 {
		t.Fatalf("disarmed waiter woken %d times; want 1", w.count())
	}
	readAll(t, a)
	r.ClearReadiness(r.Readiness())
	// The same task waits again (only the armed bit is set); then the
	// word is replaced behind the slot's back, and the task's next wait
	// must store itself again rather than arm the other waiter.
	other := new(countWaker)
	if _, ok := r.PollReady(DirRead, w); ok {
		t.Fatal("ready after draining")
	}
	storeWaiter(&s.reader, unsafe.Pointer(other))
	if _, ok := r.PollReady(DirRead, w); ok {
		t.Fatal("ready after draining")
	}
	if p := loadWaiter(&s.reader); p != unsafe.Pointer(w) {
		t.Fatalf("a wait with the word held by another waiter left %p; want it replaced by %p", p, w)
	}
	write(t, b, "z")
	f.pollUntil("second wake-up", func() bool { return w.count() == 2 })
	if other.count() != 0 {
		t.Fatal("replaced waiter woken")
	}
}

// wokenOnce returns an idle socket's registration whose reader word holds a
// task-like waiter that has waited once and been woken (so it is kept, not
// armed), with the data that woke it read.
func wokenOnce(t *testing.T) (f *fixture, r Registration, w *countWaker, a, b int) {
	f, r, a, b = idleSocket(t)
	w = new(countWaker)
	r.PollReady(DirRead, w)
	write(t, b, "x")
	f.pollUntil("wake-up", w.woken)
	readAll(t, a)
	return f, r, w, a, b
}

// TestArmingLosesToReadiness: readiness that arrives between a wait's look
// at the word and its arming makes the arming fail and PollReady report
// ready; the waiter is not armed, so it is not woken.
func TestArmingLosesToReadiness(t *testing.T) {
	_, r, w, _, _ := wokenOnce(t)
	r.ClearReadiness(r.Readiness())
	// The event lands "during" the wait: stored in the word first, as
	// dispatch would, then the wait runs against it.
	s := r.slot()
	if _, ok := s.setReadiness(r.gen, Readable, nil); !ok {
		t.Fatal("event refused")
	}
	if ev, ok := r.PollReady(DirRead, w); !ok || ev.Ready&Readable == 0 {
		t.Fatalf("PollReady = %+v, %v; want Readable", ev, ok)
	}
	if armed(r, DirRead) {
		t.Fatal("armed although ready")
	}
}

// TestStaleHandleCannotStoreIntoNewRegistration: a handle whose
// registration was replaced neither writes the waiter word nor arms it.
func TestStaleHandleCannotStoreIntoNewRegistration(t *testing.T) {
	f, old, a, _ := idleSocket(t)
	s := old.slot()
	f.p.mu.Lock()
	gen, _, _, _ := s.reset()
	f.p.mu.Unlock()
	r := Registration{pg: old.pg, fd: uint32(a), gen: gen}
	w, stale := new(countWaker), new(countWaker)
	if _, ok := r.PollReady(DirRead, w); ok {
		t.Fatal("new registration ready")
	}
	if ev, ok := old.PollReady(DirRead, stale); !ok || !ev.Shutdown {
		t.Fatalf("stale PollReady = %+v, %v; want shut down", ev, ok)
	}
	if p := loadWaiter(&s.reader); p != unsafe.Pointer(w) || !armed(r, DirRead) {
		t.Fatalf("reader word %p armed %v; want the new waiter %p, armed", p, armed(r, DirRead), w)
	}
	wake, _ := s.setReadiness(r.gen, Readable, nil)
	if len(wake) != 1 || wake[0] != Waker(w) {
		t.Fatalf("event for the new registration woke %v; want its waiter", wake)
	}
}

// TestStressWaitsNeverMissAnEvent ping-pongs one byte at a time through a
// socketpair while a goroutine polls: the reader waits with a task-like
// word waiter, and every few rounds a boxed or a lending one, so that the
// lock-free stores race dispatch's and move between the waiter kinds. A lost
// wake-up hangs the test.
func TestStressWaitsNeverMissAnEvent(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	r := f.register(a)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := f.p.Poll(0); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	rounds := 2000
	if testing.Short() {
		rounds = 500
	}
	// The writer sends each byte once the reader asks for it, so that the
	// byte arrives while the reader is reading, clearing or storing its
	// waiter.
	next := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range next {
			write(t, b, "x")
		}
	}()
	defer close(next)
	lend := newLendingWaker()
	var buf [8]byte
	waits := 0
	for i := range rounds {
		next <- struct{}{}
		for {
			ev := r.Readiness()
			n, err := unix.Read(a, buf[:])
			if n == 1 {
				break
			}
			if err == nil {
				t.Fatalf("round %d: read %d bytes", i, n)
			}
			ev.Ready &= DirRead.Mask()
			r.ClearReadiness(ev)
			var w interface {
				Waker
				woken() bool
			}
			switch i % 7 {
			case 3:
				w = new(boxedWaker)
			case 5:
				lend.n.Store(0)
				w = lend
			default:
				w = new(countWaker)
			}
			if _, ok := r.PollReady(DirRead, w); ok {
				continue
			}
			waits++
			for !w.woken() {
				runtime.Gosched()
			}
		}
	}
	t.Logf("%d rounds, %d waits", rounds, waits)
}

// TestClearAndPollReady: a task waiting again clears the snapshot's bits
// and arms itself in one step; readiness newer than the snapshot (the tick
// moved on) is kept and reported, and the waiter is not armed.
func TestClearAndPollReady(t *testing.T) {
	f, r, w, a, b := wokenOnce(t)
	ev := r.Readiness()
	ev.Ready &= DirRead.Mask()
	if ev.Ready&Readable == 0 {
		t.Fatal("not readable after the event")
	}
	if _, ok := r.ClearAndPollReady(DirRead, w, ev); ok {
		t.Fatal("ready after clearing the drained snapshot")
	}
	if got := r.Readiness().Ready; got&Readable != 0 || !armed(r, DirRead) {
		t.Fatalf("after the wait: readiness %v, armed %v; want cleared, armed", got, armed(r, DirRead))
	}
	write(t, b, "y")
	f.pollUntil("second wake-up", func() bool { return w.count() == 2 })
	stale := r.Readiness()
	stale.Ready &= DirRead.Mask()
	if _, ok := r.slot().setReadiness(r.gen, Readable, nil); !ok {
		t.Fatal("event refused")
	}
	if got, ok := r.ClearAndPollReady(DirRead, w, stale); !ok || got.Ready&Readable == 0 {
		t.Fatalf("ClearAndPollReady with a stale snapshot = %+v, %v; want Readable", got, ok)
	}
	if armed(r, DirRead) || r.Readiness().Ready&Readable == 0 {
		t.Fatal("a stale snapshot cleared the newer readiness or armed the waiter")
	}
	// A waiter that is not the last one in the direction goes the long way,
	// with the same outcome.
	readAll(t, a)
	other := new(countWaker)
	cur := r.Readiness()
	cur.Ready &= DirRead.Mask()
	if _, ok := r.ClearAndPollReady(DirRead, other, cur); ok {
		t.Fatal("ready after clearing")
	}
	if loadWaiter(&r.slot().reader) != unsafe.Pointer(other) || !armed(r, DirRead) {
		t.Fatal("the new waiter was not stored and armed")
	}
}
