package poller

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// withStoredHook runs fn with testHookStored set to hook for one wait.
func withStoredHook(t *testing.T, hook func()) {
	t.Helper()
	once := hook
	testHookStored = func() {
		testHookStored = nil
		once()
	}
	t.Cleanup(func() { testHookStored = nil })
}

// TestWaitWordStoresTheTask: a task's wait stores the task as its word and
// leaves the lock bit clear.
func TestWaitWordStoresTheTask(t *testing.T) {
	_, r, _, _ := idleSocket(t)
	w := new(countWaker)
	if _, ok := r.PollReady(DirRead, w); ok {
		t.Fatal("ready before any write")
	}
	if p := atomic.LoadPointer(&r.slot().reader); p != unsafe.Pointer(w) {
		t.Fatalf("reader word %p, want the waker %p", p, w)
	}
	if r.slot().word.Load()&lockBit != 0 {
		t.Fatal("lock bit left set")
	}
}

// TestWaitWordSeesReadinessStoredMeanwhile: readiness stored between the
// waiter's store and its second look (dispatch's word update, before it
// looks for the waiter) makes PollReady report ready and put back the
// waiter it had replaced, which is not woken.
func TestWaitWordSeesReadinessStoredMeanwhile(t *testing.T) {
	_, r, _, _ := idleSocket(t)
	first, second := new(countWaker), new(countWaker)
	if _, ok := r.PollReady(DirRead, first); ok {
		t.Fatal("ready before any write")
	}
	s := r.slot()
	withStoredHook(t, func() { s.word.Add(uint64(Readable) + tickOne) })
	ev, ok := r.PollReady(DirRead, second)
	if !ok || ev.Ready&Readable == 0 {
		t.Fatalf("PollReady = %+v, %v; want Readable", ev, ok)
	}
	if p := atomic.LoadPointer(&s.reader); p != unsafe.Pointer(first) {
		t.Fatalf("reader word %p, want the first waiter %p put back", p, first)
	}
	if first.count() != 0 || second.count() != 0 {
		t.Fatalf("woken %d and %d times; want 0 and 0", first.count(), second.count())
	}
}

// TestWaitWordWakesTheWaiterItDisplaced: when dispatch takes the new
// waiter before it can take itself back, the waiter it replaced missed that
// event and is woken instead.
func TestWaitWordWakesTheWaiterItDisplaced(t *testing.T) {
	_, r, _, _ := idleSocket(t)
	first, second := new(countWaker), new(countWaker)
	r.PollReady(DirRead, first)
	s := r.slot()
	var wake []Waker
	withStoredHook(t, func() {
		var ok bool
		wake, ok = s.setReadiness(r.gen, Readable, nil)
		if !ok {
			t.Error("event refused")
		}
	})
	if _, ok := r.PollReady(DirRead, second); !ok {
		t.Fatal("PollReady not ready after the event")
	}
	if len(wake) != 1 || wake[0] != Waker(second) {
		t.Fatalf("dispatch collected %v; want the second waiter", wake)
	}
	if first.count() != 1 {
		t.Fatalf("displaced waiter woken %d times; want 1", first.count())
	}
	if p := atomic.LoadPointer(&s.reader); p != nil {
		t.Fatalf("reader word %p left; want none", p)
	}
}

// TestWaitWordOnReplacedRegistration: a handle whose descriptor number is
// registered again between the waiter's store and its second look reports
// shut down, and leaves the new registration's waiter in place.
func TestWaitWordOnReplacedRegistration(t *testing.T) {
	f, old, a, _ := idleSocket(t)
	s := old.slot()
	newWaiter, stale := new(countWaker), new(countWaker)
	var r Registration
	withStoredHook(t, func() {
		// What Register does, without the epoll call (a is still
		// registered): the generation replaced, the waiters taken.
		f.p.mu.Lock()
		gen, _, _, _ := s.reset()
		f.p.mu.Unlock()
		r = Registration{pg: old.pg, fd: uint32(a), gen: gen}
		// The new registration's task waits, replacing the stale one.
		if _, ok := r.PollReady(DirRead, newWaiter); ok {
			t.Error("new registration ready")
		}
	})
	ev, ok := old.PollReady(DirRead, stale)
	if !ok || !ev.Shutdown {
		t.Fatalf("stale PollReady = %+v, %v; want shut down", ev, ok)
	}
	if p := atomic.LoadPointer(&s.reader); p != unsafe.Pointer(newWaiter) {
		t.Fatalf("reader word %p; want the new registration's waiter %p", p, newWaiter)
	}
	wake, _ := s.setReadiness(r.gen, Readable, nil)
	if len(wake) != 1 || wake[0] != Waker(newWaiter) {
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
	rounds := 4000
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
