package syncx

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Tests of the futures made by value (Mutex.MakeLock, Sender.MakeSend,
// Receiver.MakeRecv): they behave as the XAsync futures do — FIFO, handed
// over, cancel-safe — without touching the handles' embedded futures, and
// the zero value's Cancel does nothing.

func TestMakeLock(t *testing.T) {
	cx := rt.NewContext(nopWaker{})
	var m Mutex
	f := m.MakeLock()
	if _, ok := f.Poll(cx); !ok || m.state.Load() != mutexLocked {
		t.Fatalf("uncontended MakeLock: ready %v, state %b", ok, m.state.Load())
	}
	// Two waiters by value and one embedded: served in arrival order; a
	// cancelled waiter that was handed the lock passes it on.
	w1, w2 := m.MakeLock(), m.MakeLock()
	w3 := m.LockAsync()
	if w3 != &m.lock {
		t.Fatal("MakeLock took the embedded future")
	}
	for _, p := range []rt.Future[struct{}]{&w1, &w2, w3} {
		if _, ok := p.Poll(cx); ok {
			t.Fatal("a waiter took a held lock")
		}
	}
	m.Unlock() // to w1
	if _, ok := w2.Poll(cx); ok {
		t.Fatal("w2 overtook w1")
	}
	if _, ok := w1.Poll(cx); !ok {
		t.Fatal("w1 not handed the lock")
	}
	m.Unlock() // to w2, which gives it up unpolled
	w2.Cancel()
	if _, ok := w3.Poll(cx); !ok {
		t.Fatal("the lock w2 was handed did not pass to w3")
	}
	m.Unlock()
	if m.state.Load() != 0 {
		t.Fatalf("state after the hand-offs: %b", m.state.Load())
	}
	var zero LockFuture
	zero.Cancel() // made by no call: nothing to do, no panic

	if n := testing.AllocsPerRun(100, func() {
		f = m.MakeLock()
		f.Poll(cx)
		m.Unlock()
	}); n != 0 {
		t.Fatalf("MakeLock+poll+Unlock: %v allocs, want 0", n)
	}
}

func TestMakeSendRecv(t *testing.T) {
	cx := rt.NewContext(nopWaker{})
	tx, rx := NewChannel[int](1)
	r := rx.MakeRecv()
	if _, ok := r.Poll(cx); ok {
		t.Fatal("receive from an empty channel ready")
	}
	s1, s2 := tx.MakeSend(1), tx.MakeSend(2)
	if _, ok := s1.Poll(cx); !ok { // handed to r, leaving the slot free
		t.Fatal("send 1 not ready")
	}
	if _, ok := s2.Poll(cx); !ok { // buffered
		t.Fatal("send 2 not ready")
	}
	s3 := tx.MakeSend(3)
	if _, ok := s3.Poll(cx); ok {
		t.Fatal("send 3 into a full channel ready")
	}
	r.Cancel() // 1 goes back to the front
	var r2 RecvFuture[int]
	for want := 1; want <= 3; want++ {
		r2 = rx.MakeRecv()
		out, ok := r2.Poll(cx)
		if !ok || out.V0 != want || !out.V1 {
			t.Fatalf("receive %d: %+v, %v", want, out, ok)
		}
		if want == 2 {
			if _, ok := s3.Poll(cx); !ok { // granted the slot 1 freed
				t.Fatal("send 3 not granted the freed slot")
			}
		}
	}
	if tx.sendSlot.busy.Load() || rx.recvSlot.busy.Load() {
		t.Fatal("a by-value future claimed a handle's embedded one")
	}
	var zs SendFuture[int]
	var zr RecvFuture[int]
	zs.Cancel()
	zr.Cancel()
	if n := testing.AllocsPerRun(100, func() {
		s1 = tx.MakeSend(4)
		s1.Poll(cx)
		r2 = rx.MakeRecv()
		r2.Poll(cx)
	}); n != 0 {
		t.Fatalf("MakeSend+MakeRecv: %v allocs, want 0", n)
	}
}

func TestMakeAcquireAndRwLock(t *testing.T) {
	cx := rt.NewContext(nopWaker{})
	s := NewSemaphore(1)
	a1, a2 := s.MakeAcquire(1), s.MakeAcquire(1)
	if _, ok := a1.Poll(cx); !ok {
		t.Fatal("MakeAcquire of a free permit pending")
	}
	if _, ok := a2.Poll(cx); ok {
		t.Fatal("MakeAcquire of a taken permit ready")
	}
	e := s.AcquireAsync(1)
	if e != &s.acq {
		t.Fatal("MakeAcquire took the embedded future")
	}
	e.Poll(cx)
	s.Release(1) // to a2, which gives it up: it goes on to e
	a2.Cancel()
	if err, ok := e.Poll(cx); !ok || err != nil {
		t.Fatalf("the permit a2 gave up did not reach the next waiter: %v, %v", err, ok)
	}
	s.Release(1)
	if s.Available() != 1 {
		t.Fatalf("%d permits after the hand-offs, want 1", s.Available())
	}
	var za AcquireFuture
	za.Cancel()

	var rw RwLock
	r1, r2, w := rw.MakeRLock(), rw.MakeRLock(), rw.MakeLock()
	r1.Poll(cx)
	r2.Poll(cx)
	if _, ok := w.Poll(cx); ok {
		t.Fatal("MakeLock took a read-locked RwLock")
	}
	rw.RUnlock()
	rw.RUnlock()
	if _, ok := w.Poll(cx); !ok {
		t.Fatal("the writer was not handed the lock after both readers left")
	}
	rw.Unlock()
	var zr RwLockFuture
	zr.Cancel()
	if n := testing.AllocsPerRun(100, func() {
		a1 = s.MakeAcquire(1)
		a1.Poll(cx)
		s.Release(1)
		r1 = rw.MakeRLock()
		r1.Poll(cx)
		rw.RUnlock()
	}); n != 0 {
		t.Fatalf("MakeAcquire, MakeRLock: %v allocs, want 0", n)
	}
}

// TestMutexMixedStress mixes every way in on one Mutex at once — goroutines
// spinning on TryLock and blocking in Lock, tasks with LockAsync under
// random timeouts (cancelled waits, some already handed the lock) and tasks
// with MakeLock — so that the state word's mutexLent bit changes under
// every other transition; mutual exclusion and a free, empty mutex at the
// end are checked.
func TestMutexMixedStress(t *testing.T) {
	var m Mutex
	ex := &exclusion{t: t, max: 1}
	var timeouts atomic.Int64
	var wg sync.WaitGroup
	const iters = 200
	for g := range 4 {
		wg.Go(func() {
			for range iters {
				if g%2 == 0 {
					for !m.TryLock() {
						runtime.Gosched()
					}
				} else {
					m.Lock()
				}
				ex.enter()
				ex.leave()
				m.Unlock()
			}
		})
	}
	var fs []rt.Future[struct{}]
	for i := range 4 {
		fs = append(fs, timedCritTask(uint64(i), iters, func() rt.Future[struct{}] { return m.LockAsync() },
			ex.enter, ex.leave, m.Unlock, &timeouts))
	}
	for range 2 {
		fs = append(fs, &critTask{iters: iters, enter: ex.enter, leave: ex.leave, release: m.Unlock,
			acquire: func() rt.Future[struct{}] { f := m.MakeLock(); return &f }})
	}
	chRunTasks(t, true, fs...)
	wg.Wait()
	if got, want := ex.total.Load()+timeouts.Load(), int64(4*iters+4*iters+2*iters); got != want {
		t.Fatalf("%d sections + %d timeouts, want %d in all", ex.total.Load(), timeouts.Load(), want)
	}
	if m.state.Load() != 0 || !m.waiters.empty() {
		t.Fatalf("mutex left with state %b, waiters %v", m.state.Load(), !m.waiters.empty())
	}
}
