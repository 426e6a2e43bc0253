package poller

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func TestPipeReadable(t *testing.T) {
	f := newFixture(t)
	rfd, wfd := f.pipe()
	r := f.register(rfd)
	f.drainPoll()
	w := &countWaker{}
	if ev, ok := r.PollReady(DirRead, w); ok {
		t.Fatalf("empty pipe ready: %+v", ev)
	}
	write(t, wfd, "hello")
	f.pollUntil("reader wake-up", w.woken)
	ev, ok := r.PollReady(DirRead, w)
	if !ok || ev.Ready != Readable {
		t.Fatalf("PollReady = %+v, %v; want Readable", ev, ok)
	}
	if got := readAll(t, rfd); got != "hello" {
		t.Fatalf("read %q", got)
	}
	// EAGAIN: clear with the snapshot taken before the read; wait again.
	r.ClearReadiness(ev)
	if ev, ok := r.PollReady(DirRead, w); ok {
		t.Fatalf("ready after clear: %+v", ev)
	}
	write(t, wfd, "again")
	f.pollUntil("second wake-up", func() bool { return w.count() == 2 })
}

func TestPipeWriterClosedIsReadClosed(t *testing.T) {
	f := newFixture(t)
	rfd, wfd := f.pipe()
	r := f.register(rfd)
	f.drainPoll()
	w := &countWaker{}
	r.PollReady(DirRead, w)
	f.close(wfd)
	f.pollUntil("hang-up", w.woken)
	wantReady(t, r, ReadClosed, Writable|Error)
}

func TestPipeReaderClosedIsError(t *testing.T) {
	f := newFixture(t)
	rfd, wfd := f.pipe()
	r := f.register(wfd)
	f.drainPoll()
	wantReady(t, r, Writable, 0) // the initial edge of an empty pipe
	fill(t, wfd)
	r.ClearReadiness(r.Readiness())
	w := &countWaker{}
	if _, ok := r.PollReady(DirWrite, w); ok {
		t.Fatal("full pipe writable")
	}
	f.close(rfd)
	f.pollUntil("writer wake-up", w.woken)
	wantReady(t, r, Error, 0)
}

func TestSocketShutdownWriteIsReadClosed(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	r := f.register(a)
	f.drainPoll()
	w := &countWaker{}
	r.PollReady(DirRead, w)
	if err := unix.Shutdown(b, unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	f.pollUntil("read-closed", w.woken)
	wantReady(t, r, Readable|ReadClosed, WriteClosed|Error)
	// Closed bits are final: clearing leaves them, and a reader still sees EOF.
	r.ClearReadiness(r.Readiness())
	wantReady(t, r, ReadClosed, Readable)
	if ev, ok := r.PollReady(DirRead, w); !ok || ev.Ready != ReadClosed {
		t.Fatalf("PollReady after clear = %+v, %v; want ReadClosed", ev, ok)
	}
}

func TestSocketPeerCloseClosesBothHalves(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	r := f.register(a)
	f.drainPoll()
	fill(t, a)
	r.ClearReadiness(r.Readiness())
	rd, wr := &countWaker{}, &countWaker{}
	if _, ok := r.PollReady(DirRead, rd); ok {
		t.Fatal("readable")
	}
	if _, ok := r.PollReady(DirWrite, wr); ok {
		t.Fatal("writable with a full buffer")
	}
	f.close(b)
	f.pollUntil("both waiters", func() bool { return rd.woken() && wr.woken() })
	wantReady(t, r, ReadClosed|WriteClosed, 0)
}

func TestTCPConnectRefusedIsError(t *testing.T) {
	f := newFixture(t)
	// A bound TCP socket that never listens: connecting to it is refused (RST),
	// and holding it open keeps the port from being taken meanwhile.
	l, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.track(l)
	loopback := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if err := unix.Bind(l, loopback); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(l)
	if err != nil {
		t.Fatal(err)
	}
	c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.track(c)
	err = unix.Connect(c, sa)
	if !errors.Is(err, unix.EINPROGRESS) {
		t.Skipf("non-blocking loopback connect returned %v, not EINPROGRESS", err)
	}
	r := f.register(c)
	w := &countWaker{}
	r.PollReady(DirWrite, w) // may already be ready; either way Error arrives
	f.pollUntil("connect failure", func() bool { return r.Readiness().Ready&Error != 0 })
	wantReady(t, r, Error, 0)
	if ev, ok := r.PollReady(DirWrite, w); !ok || ev.Ready&Error == 0 {
		t.Fatalf("PollReady(DirWrite) = %+v, %v; want Error", ev, ok)
	}
	if soerr, err := unix.GetsockoptInt(c, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || unix.Errno(soerr) != unix.ECONNREFUSED {
		t.Fatalf("SO_ERROR = %v, %v; want ECONNREFUSED", unix.Errno(soerr), err)
	}
}

func TestWritableAfterBufferDrains(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	r := f.register(a)
	f.drainPoll()
	fill(t, a)
	ev := r.Readiness()
	r.ClearReadiness(ev)
	w := &countWaker{}
	if ev, ok := r.PollReady(DirWrite, w); ok {
		t.Fatalf("writable with a full buffer: %+v", ev)
	}
	f.drainPoll()
	if w.woken() {
		t.Fatal("woken before the peer read")
	}
	readAll(t, b)
	f.pollUntil("writable", w.woken)
	if ev, ok := r.PollReady(DirWrite, w); !ok || ev.Ready != Writable {
		t.Fatalf("PollReady(DirWrite) = %+v, %v; want Writable", ev, ok)
	}
}

// A reading task and a writing task on the same socket are each woken only
// for their own direction.
func TestSplitWaitersWakeOnlyTheirDirection(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	r := f.register(a)
	f.drainPoll()
	fill(t, a) // a is not writable until b reads
	r.ClearReadiness(r.Readiness())
	rd, wr := &countWaker{}, &countWaker{}
	r.PollReady(DirRead, rd)
	r.PollReady(DirWrite, wr)

	write(t, b, "ping") // readable edge only
	f.pollUntil("reader", rd.woken)
	f.drainPoll()
	if wr.woken() {
		t.Fatalf("writer woken by data arriving (readiness %v)", r.Readiness().Ready)
	}
	ev, ok := r.PollReady(DirRead, rd)
	if !ok || ev.Ready != Readable {
		t.Fatalf("reader PollReady = %+v, %v", ev, ok)
	}
	if got := readAll(t, a); got != "ping" {
		t.Fatalf("read %q", got)
	}
	r.ClearReadiness(ev)
	if _, ok := r.PollReady(DirRead, rd); ok {
		t.Fatal("reader still ready")
	}

	readAll(t, b) // writable edge only: a has nothing left to read
	f.pollUntil("writer", wr.woken)
	f.drainPoll()
	if rd.count() != 1 {
		t.Fatalf("reader woken %d times; want 1 (readiness %v)", rd.count(), r.Readiness().Ready)
	}

	// A full close wakes both.
	r.PollReady(DirWrite, wr) // returns ready; re-arm requires clearing first
	fill(t, a)
	r.ClearReadiness(r.Readiness())
	if _, ok := r.PollReady(DirWrite, wr); ok {
		t.Fatal("writer ready after fill")
	}
	f.close(b)
	f.pollUntil("both", func() bool { return rd.count() == 2 && wr.count() == 2 })
}

func TestWakeupInterruptsBlockedPoll(t *testing.T) {
	f := newFixture(t)
	done := make(chan error)
	go func() {
		_, err := f.p.Poll(-1)
		done <- err
	}()
	waitInPoll(f.p)
	f.p.Wakeup()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second): // safety net only
		t.Fatal("Poll(-1) not interrupted by Wakeup")
	}
}

// waitInPoll waits until some goroutine holds pollMu, then yields a little
// so it is most likely blocked in epoll_wait. (Either way the test holds:
// a Wakeup before the wait also makes it return.) It reads the mutex's
// locked bit instead of probing with TryLock: a Poll whose TryLock met the
// probe's brief hold panicked as a concurrent Poll (a flake seen in CI).
func waitInPoll(p *Poller) {
	for i := 0; i < 10000 && !pollMuHeld(p); i++ { // 10 s safety net
		time.Sleep(time.Millisecond)
	}
	time.Sleep(10 * time.Millisecond)
}

// pollMuHeld reports whether pollMu is locked: bit 0 of a sync.Mutex's
// first word, its state (test-only knowledge of the runtime's layout;
// TestPollMuHeld checks it).
func pollMuHeld(p *Poller) bool {
	return atomic.LoadInt32((*int32)(unsafe.Pointer(&p.pollMu)))&1 != 0
}

func TestPollMuHeld(t *testing.T) {
	f := newFixture(t)
	if pollMuHeld(f.p) {
		t.Fatal("pollMu reads held before any Poll")
	}
	f.p.pollMu.Lock()
	held := pollMuHeld(f.p)
	f.p.pollMu.Unlock()
	if !held || pollMuHeld(f.p) {
		t.Fatalf("pollMuHeld: %v while locked, %v after", held, pollMuHeld(f.p))
	}
}

func TestWakeupCoalesces(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				f.p.Wakeup()
			}
		}()
	}
	wg.Wait()
	var buf [8]byte
	if _, err := unix.Read(f.p.b.wakefd, buf[:]); err != nil {
		t.Fatal(err)
	}
	if got := buf[0]; got != 1 {
		t.Fatalf("eventfd counter after 8000 Wakeups = %d; want 1 (one write)", got)
	}
	write(t, f.p.b.wakefd, string(buf[:])) // put it back
	if _, err := f.p.Poll(-1); err != nil {
		t.Fatal(err)
	}
	if s := f.p.wakeState.Load(); s != 0 {
		t.Fatalf("wakeState after Poll = %#x; want 0", s)
	}
	f.p.Wakeup() // a fresh edge after the consuming Poll
	if _, err := f.p.Poll(-1); err != nil {
		t.Fatal(err)
	}
}

func TestDeregisterWakesAndShutsDown(t *testing.T) {
	f := newFixture(t)
	rfd, wfd := f.pipe()
	r := f.register(rfd)
	f.drainPoll()
	w := &countWaker{}
	r.PollReady(DirRead, w)
	if err := f.p.Deregister(r); err != nil {
		t.Fatal(err)
	}
	if w.count() != 1 {
		t.Fatalf("waiter woken %d times by Deregister; want 1", w.count())
	}
	ev, ok := r.PollReady(DirRead, w)
	if !ok || !ev.Shutdown || ev.Ready != DirRead.Mask() {
		t.Fatalf("PollReady after Deregister = %+v, %v", ev, ok)
	}
	if err := f.p.Deregister(r); err != nil {
		t.Fatalf("second Deregister: %v", err)
	}
	write(t, wfd, "x")
	if n, err := f.p.Poll(0); n != 0 || err != nil {
		t.Fatalf("Poll after Deregister = %d, %v; want 0, nil", n, err)
	}
	if w.count() != 1 {
		t.Fatal("deregistered waiter woken by an event")
	}
}

// An event collected by the kernel before Deregister, dispatched after the
// slot was reused by a new registration of the same fd number, is dropped.
func TestInFlightEventAfterDeregisterAndReuseIsDropped(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	ra, err := f.p.Register(a)
	if err != nil {
		t.Fatal(err)
	}
	f.drainPoll()
	wa := &countWaker{}
	ra.PollReady(DirRead, wa)

	write(t, b, "stale")
	// Collect, but do not dispatch: the events are now "in flight".
	var k int
	for i := 0; i < 200 && k == 0; i++ {
		if k, _, err = f.p.b.wait(f.p.events, 50); err != nil {
			t.Fatal(err)
		}
	}
	if k != 1 || f.p.events[0].token != ra.token() {
		t.Fatalf("collected %d events %v; want one for token %#x", k, f.p.events[:k], ra.token())
	}
	if err := f.p.Deregister(ra); err != nil {
		t.Fatal(err)
	}
	f.close(a)
	f.close(b)
	c, d := f.socketpair()
	if c != a {
		t.Fatalf("fd %d not reused (got %d): cannot build the ABA case", a, c)
	}
	rc := f.register(c)
	if uint32(rc.token()) != uint32(ra.token()) || rc.token() == ra.token() {
		t.Fatalf("tokens %#x then %#x: want the same slot, a newer generation", ra.token(), rc.token())
	}
	wc := &countWaker{}
	rc.PollReady(DirRead, wc)

	stale := f.p.stale
	if n := f.p.dispatch(f.p.events[:k]); n != 0 {
		t.Fatalf("stale event delivered to %d registrations", n)
	}
	if f.p.stale != stale+1 {
		t.Fatal("stale event not counted as dropped")
	}
	if wa.count() != 1 || wc.woken() || rc.Readiness().Ready != 0 {
		t.Fatalf("old waker %d (want 1, from Deregister), new waker %d, new readiness %v",
			wa.count(), wc.count(), rc.Readiness().Ready)
	}
	write(t, d, "fresh")
	f.pollUntil("new registration's event", wc.woken)
	if wa.count() != 1 {
		t.Fatal("old waiter woken by the new registration's event")
	}
}

// Closing a registered fd and reusing its number cannot wake the old waiter,
// whether or not the old registration was deregistered first. Without
// Deregister, the new registration replaces the old one: the old handle reads
// as shut down, and its waiter is woken once, by the replacement.
func TestFDReuseCannotWakeOldWaiter(t *testing.T) {
	for _, deregister := range []bool{true, false} {
		name := map[bool]string{true: "deregistered", false: "closed-only"}[deregister]
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			rfd, wfd := f.pipe()
			old, err := f.p.Register(rfd)
			if err != nil {
				t.Fatal(err)
			}
			f.drainPoll()
			wOld := &countWaker{}
			old.PollReady(DirRead, wOld)
			if deregister {
				f.p.Deregister(old)
			} // else: closing the last reference drops the epoll item by itself
			f.close(rfd)
			f.close(wfd)
			rfd2, wfd2 := f.pipe()
			if rfd2 != rfd {
				t.Fatalf("fd %d not reused (got %d)", rfd, rfd2)
			}
			r := f.register(rfd2)
			if wOld.count() != 1 || !old.Readiness().Shutdown {
				t.Fatalf("old registration: waiter woken %d times (want 1), readiness %+v (want shut down)",
					wOld.count(), old.Readiness())
			}
			w := &countWaker{}
			r.PollReady(DirRead, w)
			write(t, wfd2, "x")
			f.pollUntil("new waiter", w.woken)
			f.drainPoll()
			if wOld.count() != 1 {
				t.Fatalf("old waiter woken by the reused fd's event")
			}
			// The old handle changes nothing in the slot it shares with r.
			old.ClearWaker(DirRead)
			old.ClearReadiness(old.Readiness())
			if err := f.p.Deregister(old); err != nil {
				t.Fatal(err)
			}
			if ev := r.Readiness(); ev.Shutdown || ev.Ready&Readable == 0 {
				t.Fatalf("new registration after the old handle's calls: %+v", ev)
			}
			w2 := &countWaker{}
			r.ClearReadiness(r.Readiness())
			if _, ok := r.PollReady(DirRead, w2); ok {
				t.Fatal("readable after clearing")
			}
			old.ClearWaker(DirRead)
			write(t, wfd2, "y")
			f.pollUntil("new waiter after the old handle's ClearWaker", w2.woken)
		})
	}
}

func TestClearReadinessKeepsNewerEvents(t *testing.T) {
	f := newFixture(t)
	rfd, _ := f.pipe()
	r := f.register(rfd)
	f.drainPoll()
	f.p.dispatch([]polledEvent{{r.token(), Readable}})
	ev1 := r.Readiness()
	f.p.dispatch([]polledEvent{{r.token(), Readable}}) // raced in after ev1
	r.ClearReadiness(ev1)
	wantReady(t, r, Readable, 0)
	r.ClearReadiness(r.Readiness())
	wantReady(t, r, 0, Readable)
	if got := r.Readiness().Tick; got != ev1.Tick+1 {
		t.Fatalf("tick %d; want %d", got, ev1.Tick+1)
	}
}

func TestCloseWhilePollBlocked(t *testing.T) {
	f := newFixture(t)
	rfd, _ := f.pipe()
	r, err := f.p.Register(rfd)
	if err != nil {
		t.Fatal(err)
	}
	w := &countWaker{}
	r.PollReady(DirRead, w)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.p.Poll(-1)
	}()
	waitInPoll(f.p)
	if err := f.p.Close(); err != nil {
		t.Fatal(err)
	}
	<-done // Close waited for it
	if !w.woken() || !r.Readiness().Shutdown {
		t.Fatal("Close did not shut down the registration")
	}
	if _, err := f.p.Poll(0); err != ErrClosed {
		t.Fatalf("Poll after Close: %v", err)
	}
	if _, err := f.p.Register(rfd); err != ErrClosed {
		t.Fatalf("Register after Close: %v", err)
	}
	f.p.Wakeup() // no-op, must not touch a closed eventfd
	if err := f.p.Deregister(r); err != nil {
		t.Fatal(err)
	}
	if err := f.p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentPollPanics(t *testing.T) {
	f := newFixture(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.p.Poll(-1)
	}()
	waitInPoll(f.p)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("second concurrent Poll did not panic")
			}
		}()
		f.p.Poll(0)
	}()
	f.p.Wakeup()
	<-done
}

// A descriptor registered twice: the second Register fails (EEXIST) and
// leaves the first registration as it was, its waiter and readiness included.
func TestRegisterTwiceFailsAndKeepsTheFirst(t *testing.T) {
	f := newFixture(t)
	rfd, wfd := f.pipe()
	r := f.register(rfd)
	f.drainPoll()
	w := &countWaker{}
	if _, ok := r.PollReady(DirRead, w); ok {
		t.Fatal("empty pipe readable")
	}
	if _, err := f.p.Register(rfd); err != unix.EEXIST {
		t.Fatalf("second Register: %v; want EEXIST", err)
	}
	if ev := r.Readiness(); ev.Shutdown {
		t.Fatalf("first registration after the failed one: %+v", ev)
	}
	write(t, wfd, "x")
	f.pollUntil("first registration's waiter", w.woken)
	wantReady(t, r, Readable, 0)
}

func TestManyRegistrationsGrowTheTable(t *testing.T) {
	f := newFixture(t)
	const n = 450 // 900 descriptors: 5 pages, more than the table's first 4
	peers := make([]int, n)
	wakers := make([]*countWaker, n)
	for i := range n {
		a, b := f.socketpair()
		r := f.register(a)
		peers[i] = b
		wakers[i] = &countWaker{}
		r.PollReady(DirRead, wakers[i])
	}
	f.drainPoll()
	for _, b := range peers {
		write(t, b, "x")
	}
	f.pollUntil("all readers", func() bool {
		for _, w := range wakers {
			if w.count() != 1 {
				return false
			}
		}
		return true
	})
}

// Registrations come and go on several goroutines while one goroutine polls
// and another hammers Wakeup: exercises table growth, slot reuse and
// in-flight events under the race detector.
func TestStressRegisterDeregisterWhilePolling(t *testing.T) {
	f := newFixture(t)
	stop := make(chan struct{})
	var pollers sync.WaitGroup
	pollers.Add(2)
	go func() {
		defer pollers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := f.p.Poll(-1); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() {
		defer pollers.Done()
		for {
			select {
			case <-stop:
				return
			default:
				f.p.Wakeup()
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	var workers sync.WaitGroup
	for range 4 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for range 100 {
				fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					t.Error(err)
					return
				}
				r, err := f.p.Register(fds[0])
				if err != nil {
					t.Error(err)
					return
				}
				w := make(chanWaker, 1)
				if _, ok := r.PollReady(DirRead, w); !ok {
					unix.Write(fds[1], []byte("x"))
					select {
					case <-w:
					case <-time.After(10 * time.Second): // safety net
						t.Error("reader never woken")
					}
				}
				unix.Write(fds[1], []byte("y")) // an event likely in flight during Deregister
				if err := f.p.Deregister(r); err != nil {
					t.Error(err)
				}
				unix.Close(fds[0])
				unix.Close(fds[1])
			}
		}()
	}
	workers.Wait()
	close(stop)
	f.p.Wakeup()
	pollers.Wait()
}

type chanWaker chan struct{}

func (c chanWaker) Wake() {
	select {
	case c <- struct{}{}:
	default:
	}
}

func TestPollDispatchDoesNotAllocate(t *testing.T) {
	f := newFixture(t)
	a, b := f.socketpair()
	r := f.register(a)
	f.drainPoll()
	w := &countWaker{}
	buf := make([]byte, 1)
	allocs := testing.AllocsPerRun(200, func() {
		r.PollReady(DirRead, w)
		unix.Write(b, buf)
		for r.Readiness().Ready&Readable == 0 {
			f.p.Poll(time.Second)
		}
		ev := r.Readiness()
		unix.Read(a, buf)
		r.ClearReadiness(ev)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per event", allocs)
	}
	if w.count() < 200 {
		t.Fatalf("woken %d times; want ≥ 200", w.count())
	}
}

func TestTimeoutMillis(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want int
	}{
		{-1, -1}, {-time.Hour, -1}, {0, 0}, {1, 1}, {time.Millisecond, 1},
		{time.Millisecond + 1, 2}, {1500 * time.Millisecond, 1500},
		{1 << 62, 1<<31 - 1},
	} {
		if got := timeoutMillis(c.d); got != c.want {
			t.Errorf("timeoutMillis(%v) = %d; want %d", c.d, got, c.want)
		}
	}
}

func TestReadyString(t *testing.T) {
	if got := (Readable | ReadClosed | Error).String(); got != "Readable|ReadClosed|Error" {
		t.Fatal(got)
	}
	if got := Ready(0).String(); got != "0" {
		t.Fatal(got)
	}
}

// The readiness word's fields stay apart: the tick wraps within its 24 bits
// without carrying into the generation, and a handle of another generation
// sees the slot as shut down and cannot clear its readiness.
func TestReadinessWordFields(t *testing.T) {
	var s slot
	const gen = genMask - 1
	s.word.Store(uint64(gen)<<genShift | uint64(1<<24-1)<<tickShift)
	var buf [2]Waker
	if _, ok := s.setReadiness(gen, Readable, buf[:0]); !ok {
		t.Fatal("event for the slot's generation dropped")
	}
	pg := &page{}
	pg.slots[0].word.Store(s.word.Load())
	r := Registration{pg: pg, fd: 0, gen: gen}
	if ev := r.Readiness(); ev.Tick != 0 || ev.Ready != Readable || ev.Shutdown || genOf(s.word.Load()) != gen {
		t.Fatalf("after the tick wrapped: %+v, generation %#x", ev, genOf(s.word.Load()))
	}
	stale := Registration{pg: pg, fd: 0, gen: gen - 1}
	if ev := stale.Readiness(); !ev.Shutdown || ev.Ready != 0 {
		t.Fatalf("another generation's handle reads %+v; want shut down", ev)
	}
	stale.ClearReadiness(ReadyEvent{Ready: Readable, Tick: 0})
	if _, ok := pg.slots[0].setReadiness(gen-1, Writable, buf[:0]); ok {
		t.Fatal("event for another generation delivered")
	}
	if ev := r.Readiness(); ev.Ready != Readable || ev.Tick != 0 {
		t.Fatalf("the other generation changed the slot: %+v", ev)
	}
}

// TestRegistrationSize pins the per-descriptor cost: a 24-byte slot (the
// readiness word and one word per waiter) in a page of 8 KiB (a size class)
// filled by 341 of them, for the poller, and a 16-byte handle for whoever
// holds the registration.
func TestRegistrationSize(t *testing.T) {
	if got := unsafe.Sizeof(slot{}); got != 24 {
		t.Errorf("slot is %d bytes, want 24", got)
	}
	if pageSlots != 341 {
		t.Errorf("a page holds %d slots, want 341", pageSlots)
	}
	if got := unsafe.Sizeof(page{}); got > 8192 || 8192-got >= 24 {
		t.Errorf("page is %d bytes, want the most slots that fit in 8192", got)
	}
	if got := unsafe.Sizeof(Registration{}); got != 16 {
		t.Errorf("Registration is %d bytes, want 16", got)
	}
}
