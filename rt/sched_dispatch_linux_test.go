package rt

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// readLoop returns a task future that registers fd with its runtime's driver
// and reads from it until it has read want bytes, counting them in *got.
func readLoop(t *testing.T, fd int, want int64, got *atomic.Int64) Future[struct{}] {
	var reg Registration
	registered := false
	buf := make([]byte, 64)
	return PollFunc(func(cx *Context) (struct{}, bool) {
		if !registered {
			if err := reg.Init(cx, fd); err != nil {
				t.Error(err)
				return struct{}{}, true
			}
			registered = true
		}
		for got.Load() < want {
			var n int
			done, err := reg.PollIO(cx, DirRead, readOp(fd, buf, &n))
			if !done {
				return struct{}{}, false
			}
			if err != nil {
				t.Error(err)
				return struct{}{}, true
			}
			got.Add(int64(n))
		}
		if err := reg.Deregister(); err != nil {
			t.Error(err)
		}
		return struct{}{}, true
	})
}

// waitAllParked spins (yielding) until every worker of m is parked.
func waitAllParked(m *multiThread) {
	for !m.idle.allParked() {
		runtime.Gosched()
	}
}

// TestReadinessWakeRunsOnParkingWorker: a descriptor that becomes ready while
// every worker is parked wakes its task onto the ring of the worker parked in
// the driver, which runs it itself: no other worker is woken (no
// notifyParked), and the wake goes through the worker's Dispatch.
func TestReadinessWakeRunsOnParkingWorker(t *testing.T) {
	r := NewMultiThread(WithWorkers(3))
	defer r.Shutdown()
	m := r.sched.(*multiThread)
	a, b := socketPair(t)
	const rounds = 50
	var got atomic.Int64
	h := SpawnOn(r, readLoop(t, a, rounds, &got))
	// Warm up: the spawn itself notifies a worker, and the first read
	// registers the descriptor.
	waitAllParked(m)
	notifies := r.stats.notifies.Load()
	dispatchedBefore := r.dispatchedTotal()
	for i := int64(1); i <= rounds; i++ {
		waitAllParked(m)
		if _, err := unix.Write(b, []byte{'x'}); err != nil {
			t.Fatal(err)
		}
		for got.Load() < i {
			runtime.Gosched()
		}
	}
	if _, err := h.Join(); err != nil {
		t.Fatal(err)
	}
	waitAllParked(m) // stats are flushed when a worker parks
	if d := r.stats.notifies.Load() - notifies; d != 0 {
		t.Errorf("%d parked workers notified for %d readiness wakes; want 0", d, rounds)
	}
	if d := r.dispatchedTotal() - dispatchedBefore; d < rounds {
		t.Errorf("%d tasks dispatched onto the parking worker; want at least %d", d, rounds)
	}
}

// TestTimerWakeRunsOnParkingWorker: the same for timers fired by the worker
// parked in the driver.
func TestTimerWakeRunsOnParkingWorker(t *testing.T) {
	r := NewMultiThread(WithWorkers(3))
	defer r.Shutdown()
	m := r.sched.(*multiThread)
	const rounds = 30
	var done atomic.Int64
	var sleep *SleepFuture
	h := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for done.Load() < rounds {
			if sleep == nil {
				sleep = SleepAsync(time.Millisecond)
			}
			if _, ok := sleep.Poll(cx); !ok {
				return struct{}{}, false
			}
			sleep = nil
			done.Add(1)
		}
		return struct{}{}, true
	}))
	for done.Load() < 3 {
		runtime.Gosched()
	}
	waitAllParked(m)
	notifies := r.stats.notifies.Load()
	start := done.Load()
	if _, err := h.Join(); err != nil {
		t.Fatal(err)
	}
	if d := r.stats.notifies.Load() - notifies; d != 0 {
		t.Errorf("%d parked workers notified for %d timer wakes; want 0", d, rounds-start)
	}
}

// TestDriverWakeStress: many tasks woken by readiness and timers at once, on
// workers with 4-slot rings (a turn collects no more readiness events than
// the ring has room for, but the timers due all fire into it, overflowing
// into the inject queue) and a global queue interval of 1; every task must
// complete.
func TestDriverWakeStress(t *testing.T) {
	r := NewMultiThread(WithWorkers(4), WithLocalQueueCapacity(4), WithGlobalQueueInterval(1))
	defer r.Shutdown()
	const pairs, perPair, sleepers, sleeps = 16, 200, 32, 20
	var hs []*JoinHandle[struct{}]
	var wg sync.WaitGroup
	for i := 0; i < pairs; i++ {
		a, b := socketPair(t)
		got := new(atomic.Int64)
		hs = append(hs, SpawnOn(r, readLoop(t, a, perPair, got)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := int64(0); j < perPair; j++ {
				if _, err := unix.Write(b, []byte{'x'}); err != nil {
					t.Error(err)
					return
				}
				if j%8 == 7 {
					for got.Load() <= j-4 {
						runtime.Gosched()
					}
				}
			}
		}()
	}
	for i := 0; i < sleepers; i++ {
		n := 0
		var s *SleepFuture
		hs = append(hs, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for ; n < sleeps; n++ {
				if s == nil {
					s = SleepAsync(time.Duration(n%3) * time.Millisecond)
				}
				if _, ok := s.Poll(cx); !ok {
					return struct{}{}, false
				}
				s = nil
			}
			return struct{}{}, true
		})))
	}
	wg.Wait()
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDriverTurnFitsTheRing: readiness for more tasks than a worker's ring
// holds is collected a ring's room at a time, the rest left in the kernel
// for the next turn: nothing overflows into the inject queue, and every
// task runs.
func TestDriverTurnFitsTheRing(t *testing.T) {
	r := NewMultiThread(WithWorkers(1), WithLocalQueueCapacity(4))
	defer r.Shutdown()
	m := r.sched.(*multiThread)
	const tasks = 32
	var hs []*JoinHandle[struct{}]
	var gots [tasks]atomic.Int64
	peers := make([]int, tasks)
	for i := range tasks {
		a, b := socketPair(t)
		peers[i] = b
		hs = append(hs, SpawnOn(r, readLoop(t, a, 1, &gots[i])))
	}
	// Every task polled once (registered and waiting) before any data.
	for r.Metrics().Polls < tasks {
		runtime.Gosched()
	}
	waitAllParked(m)
	before := r.Metrics().Overflows
	for _, b := range peers {
		if _, err := unix.Write(b, []byte{'x'}); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			t.Fatal(err)
		}
	}
	waitAllParked(m) // counters are published when a worker parks
	if d := r.Metrics().Overflows - before; d != 0 {
		t.Errorf("%d ring overflows while %d readiness wakes went through a 4-slot ring; want 0", d, tasks)
	}
}

// TestDriverWakeStressPaused: timers on a paused clock, fired by the
// driver's auto-advance onto the parking worker's ring, all complete.
func TestDriverWakeStressPaused(t *testing.T) {
	r := NewMultiThread(WithWorkers(4), WithLocalQueueCapacity(4), WithGlobalQueueInterval(1),
		WithPausedClock(time.Unix(0, 0)))
	defer r.Shutdown()
	const tasks, sleeps = 64, 30
	var total atomic.Int64
	h := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for i := 0; i < tasks; i++ {
			n := 0
			var s *SleepFuture
			SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
				for ; n < sleeps; n++ {
					if s == nil {
						s = SleepAsync(time.Duration(1+(i+n)%7) * time.Second)
					}
					if _, ok := s.Poll(cx); !ok {
						return struct{}{}, false
					}
					s = nil
					total.Add(1)
				}
				return struct{}{}, true
			}))
		}
		return struct{}{}, true
	}))
	if _, err := h.Join(); err != nil {
		t.Fatal(err)
	}
	for total.Load() < tasks*sleeps {
		runtime.Gosched()
	}
}

// BenchmarkReadinessEcho: one byte echoed by a task over a socket pair per
// op; the task is woken by readiness each time, through its worker's
// Dispatch while that worker parks in the driver.
func BenchmarkReadinessEcho(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer unix.Close(fds[0])
			defer unix.Close(fds[1])
			r := NewMultiThread(WithWorkers(workers))
			defer r.Shutdown()
			a, peer := fds[0], fds[1]
			var reg Registration
			registered := false
			buf := make([]byte, 64)
			h := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
				if !registered {
					if err := reg.Init(cx, a); err != nil {
						b.Error(err)
						return struct{}{}, true
					}
					registered = true
				}
				for {
					var n int
					done, err := reg.PollIO(cx, DirRead, readOp(a, buf, &n))
					if !done {
						return struct{}{}, false
					}
					if err != nil || n == 0 {
						reg.Deregister()
						return struct{}{}, true // peer closed
					}
					unix.Write(a, buf[:n])
				}
			}))
			one := []byte{'x'}
			in := make([]byte, 1)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := unix.Write(peer, one); err != nil {
					b.Fatal(err)
				}
				for {
					n, err := unix.Read(peer, in)
					if n == 1 {
						break
					}
					if err != unix.EAGAIN {
						b.Fatal(err)
					}
					runtime.Gosched()
				}
			}
			b.StopTimer()
			unix.Shutdown(peer, unix.SHUT_WR)
			h.Join()
		})
	}
}

// TestParkSpinsAfterTurn: a worker skips the Gosched rounds before its next
// driver park after a turn that dispatched I/O to its runtime's tasks only;
// a turn that woke another waker (a BlockOn caller's), or found no I/O,
// keeps them.
func TestParkSpinsAfterTurn(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	w := newWorker(r, nil, 0, newConfig(nil))
	if got := w.parkSpins(); got != parkSpins {
		t.Fatalf("before any turn: %d rounds; want %d", got, parkSpins)
	}
	w.noteTurn(3, 0) // readiness events that woke tasks (Dispatch queued them)
	if got := w.parkSpins(); got != 0 {
		t.Errorf("after a turn that woke only tasks: %d rounds; want 0", got)
	}
	other := &countingWaker{}
	w.Dispatch(other) // not a task: woken as usual
	w.noteTurn(3, 0)
	if got := w.parkSpins(); got != parkSpins || other.n.Load() != 1 {
		t.Errorf("after a turn that woke another waker: %d rounds, woken %d times; want %d, once", got, other.n.Load(), parkSpins)
	}
	w.noteTurn(3, 0)
	if got := w.parkSpins(); got != 0 {
		t.Errorf("the next turn woke only tasks again: %d rounds; want 0", got)
	}
	w.noteTurn(0, 1) // a timer, no I/O
	if got := w.parkSpins(); got != parkSpins {
		t.Errorf("after a turn without I/O: %d rounds; want %d", got, parkSpins)
	}
}
