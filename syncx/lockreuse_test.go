package syncx

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

// Tests of the embedded, reusable futures of Mutex, Semaphore, RwLock and
// Notify: steady-state waits allocate nothing, the embedded future is
// handed out again once it completed or was cancelled (and only then), and
// a late Cancel through a stale pointer is caught at the next owner's poll.

const reusePanic = "polled after it completed or was cancelled"

func TestLockAsyncAllocs(t *testing.T) {
	cx := rt.NewContext(nopWaker{})
	var m Mutex
	s, s1 := NewSemaphore(2), NewSemaphore(1)
	var rw RwLock
	var n Notify
	for _, c := range []struct {
		name string
		op   func()
	}{
		{"Mutex.LockAsync", func() {
			if _, ok := m.LockAsync().Poll(cx); !ok {
				t.Fatal("uncontended LockAsync pending")
			}
			m.Unlock()
		}},
		{"Mutex.LockAsync/waited", func() { // one waiter, handed the lock
			m.Lock()
			f := m.LockAsync()
			if _, ok := f.Poll(cx); ok {
				t.Fatal("LockAsync of a held mutex ready")
			}
			m.Unlock()
			if _, ok := f.Poll(cx); !ok {
				t.Fatal("LockAsync not ready after the hand-off")
			}
			m.Unlock()
		}},
		{"Mutex.LockAsync/overlapping", func() { // the embedded future and the spare
			m.Lock()
			f1, f2 := m.LockAsync(), m.LockAsync()
			f1.Poll(cx)
			f2.Poll(cx)
			for _, f := range []*LockFuture{f1, f2} {
				m.Unlock()
				if _, ok := f.Poll(cx); !ok {
					t.Fatal("LockAsync not ready after the hand-off")
				}
			}
			m.Unlock()
		}},
		{"Mutex.LockAsync/cancelled", func() {
			m.Lock()
			f := m.LockAsync()
			f.Poll(cx)
			f.Cancel()
			m.Unlock()
		}},
		{"Semaphore.AcquireAsync", func() {
			if err, ok := s.AcquireAsync(1).Poll(cx); !ok || err != nil {
				t.Fatal("uncontended AcquireAsync:", ok, err)
			}
			s.Release(1)
		}},
		{"Semaphore.AcquireAsync/overlapping", func() { // the embedded future and the spare
			f1, f2 := s1.AcquireAsync(1), s1.AcquireAsync(1)
			if err, ok := f1.Poll(cx); !ok || err != nil {
				t.Fatal("AcquireAsync with a permit free:", ok, err)
			}
			if _, ok := f2.Poll(cx); ok {
				t.Fatal("AcquireAsync ready with no permit free")
			}
			s1.Release(1)
			if err, ok := f2.Poll(cx); !ok || err != nil {
				t.Fatal("AcquireAsync not granted after a release:", ok, err)
			}
			s1.Release(1)
		}},
		{"RwLock.RLockAsync/overlapping", func() {
			f1, f2 := rw.RLockAsync(), rw.RLockAsync()
			f1.Poll(cx)
			f2.Poll(cx)
			rw.RUnlock()
			rw.RUnlock()
		}},
		{"RwLock.RLockAsync", func() {
			if _, ok := rw.RLockAsync().Poll(cx); !ok {
				t.Fatal("uncontended RLockAsync pending")
			}
			rw.RUnlock()
		}},
		{"RwLock.LockAsync", func() {
			if _, ok := rw.LockAsync().Poll(cx); !ok {
				t.Fatal("uncontended LockAsync pending")
			}
			rw.Unlock()
		}},
		{"Notify.NotifiedAsync", func() {
			n.NotifyOne()
			if _, ok := n.NotifiedAsync().Poll(cx); !ok {
				t.Fatal("NotifiedAsync with a permit pending")
			}
		}},
	} {
		if a := testing.AllocsPerRun(1000, c.op); a != 0 {
			t.Errorf("%s: %v allocations per operation, want 0", c.name, a)
		}
	}
}

func TestLockAsyncReuse(t *testing.T) {
	cx := rt.NewContext(nopWaker{})
	var m Mutex
	f1 := m.LockAsync()
	if f1 != &m.lock {
		t.Fatal("the first LockAsync did not get the embedded future")
	}
	f1.Poll(cx)
	f2 := m.LockAsync() // f1 completed: the same future, a second generation
	if f2 != f1 {
		t.Fatal("LockAsync after a completion did not reuse the embedded future")
	}
	if _, ok := f2.Poll(cx); ok {
		t.Fatal("second LockAsync ready while the lock is held")
	}
	f3 := m.LockAsync() // f2 pending: a fresh one
	if f3 == f2 {
		t.Fatal("LockAsync handed out the embedded future while it was pending")
	}
	if !f3.spare {
		t.Fatal("the future made while the embedded one was out is not marked spare")
	}
	f3.Poll(cx)
	m.Unlock() // to f2
	if _, ok := f2.Poll(cx); !ok {
		t.Fatal("second generation not handed the lock")
	}
	f3.Cancel() // f3 becomes m's spare
	if m.LockAsync() != f2 {
		t.Fatal("the embedded future was not given back")
	}
	if f6 := m.LockAsync(); f6 != f3 {
		t.Fatal("the second overlapping LockAsync did not take the spare")
	} else {
		f6.Cancel()
	}
	f2.Cancel()
	m.Unlock()
	if !m.TryLock() {
		t.Fatal("mutex not free after the hand-offs")
	}
	m.Unlock()

	// A future never polled gives the embedded one back when cancelled, and
	// keeps it while it is neither polled nor cancelled.
	f4 := m.LockAsync()
	if f5 := m.LockAsync(); f5 == f4 {
		t.Fatal("the embedded future handed out twice")
	} else {
		f5.Cancel()
	}
	f4.Cancel()
	if m.LockAsync() != f4 {
		t.Fatal("Cancel of an unpolled future did not give the embedded one back")
	}
}

// TestLockStaleCancel cancels, through an old pointer, a future that
// completed and was handed out again to a pending wait: a misuse that must
// not hang the new wait or leak the lock.
func TestLockStaleCancel(t *testing.T) {
	t.Run("Mutex/queued", func(t *testing.T) {
		var m Mutex
		old := m.LockAsync()
		old.Poll(rt.NewContext(nopWaker{})) // holds the lock; old is done
		w := &explWaker{}
		f := m.LockAsync()
		if f != old {
			t.Fatal("not reused")
		}
		f.Poll(rt.NewContext(w)) // queued
		old.Cancel()             // the misuse: withdraws f
		if !w.woken {
			t.Fatal("the withdrawn wait was not woken")
		}
		if msg := panicMessage(func() { f.Poll(rt.NewContext(w)) }); !strings.Contains(msg, reusePanic) {
			t.Fatalf("poll after a late Cancel: panic %q", msg)
		}
		m.Unlock()
		if !m.TryLock() {
			t.Fatal("mutex not free")
		}
	})
	t.Run("Mutex/granted", func(t *testing.T) {
		var m Mutex
		old := m.LockAsync()
		old.Poll(rt.NewContext(nopWaker{}))
		w := &explWaker{}
		f := m.LockAsync()
		f.Poll(rt.NewContext(w))
		m.Unlock() // hands the lock to f
		old.Cancel()
		if msg := panicMessage(func() { f.Poll(rt.NewContext(w)) }); !strings.Contains(msg, reusePanic) {
			t.Fatalf("poll after a late Cancel: panic %q", msg)
		}
		if !m.TryLock() {
			t.Fatal("the lock granted to the withdrawn wait was not passed on")
		}
	})
	t.Run("Mutex/spare", func(t *testing.T) {
		var m Mutex
		m.Lock()
		first := m.LockAsync() // the embedded future, kept pending
		first.Poll(rt.NewContext(nopWaker{}))
		old := m.LockAsync() // a spare
		old.Cancel()         // never polled: it becomes m's spare
		w := &explWaker{}
		f := m.LockAsync()
		if f != old {
			t.Fatal("the spare was not reused")
		}
		f.Poll(rt.NewContext(w))
		old.Cancel() // the misuse
		if !w.woken {
			t.Fatal("the withdrawn wait was not woken")
		}
		if msg := panicMessage(func() { f.Poll(rt.NewContext(w)) }); !strings.Contains(msg, reusePanic) {
			t.Fatalf("poll after a late Cancel: panic %q", msg)
		}
		m.Unlock() // to first
		if _, ok := first.Poll(rt.NewContext(nopWaker{})); !ok {
			t.Fatal("the queued embedded future was not handed the lock")
		}
		m.Unlock()
		if !m.TryLock() {
			t.Fatal("mutex not free")
		}
	})
	t.Run("Semaphore", func(t *testing.T) {
		s := NewSemaphore(1)
		old := s.AcquireAsync(1)
		old.Poll(rt.NewContext(nopWaker{}))
		w := &explWaker{}
		f := s.AcquireAsync(1)
		f.Poll(rt.NewContext(w))
		old.Cancel()
		if !w.woken {
			t.Fatal("the withdrawn wait was not woken")
		}
		if msg := panicMessage(func() { f.Poll(rt.NewContext(w)) }); !strings.Contains(msg, reusePanic) {
			t.Fatalf("poll after a late Cancel: panic %q", msg)
		}
		s.Release(1)
		if s.Available() != 1 {
			t.Fatalf("%d permits available, want 1", s.Available())
		}
	})
	t.Run("Notify", func(t *testing.T) {
		var n Notify
		n.NotifyOne()
		old := n.NotifiedAsync()
		old.Poll(rt.NewContext(nopWaker{})) // consumed the permit
		w := &explWaker{}
		f := n.NotifiedAsync()
		f.Poll(rt.NewContext(w))
		n.NotifyOne() // picks f
		old.Cancel()  // hands f's notification back: it becomes the permit
		if msg := panicMessage(func() { f.Poll(rt.NewContext(w)) }); !strings.Contains(msg, reusePanic) {
			t.Fatalf("poll after a late Cancel: panic %q", msg)
		}
		if _, ok := n.NotifiedAsync().Poll(rt.NewContext(nopWaker{})); !ok {
			t.Fatal("the notification taken from the withdrawn wait was lost")
		}
	})
	t.Run("harmless", func(t *testing.T) { // nobody took the future again
		var m Mutex
		f := m.LockAsync()
		f.Poll(rt.NewContext(nopWaker{}))
		f.Cancel() // completed: does nothing, the lock stays held
		f.Cancel()
		if m.TryLock() {
			t.Fatal("Cancel of a completed LockFuture unlocked")
		}
		m.Unlock()
	})
}

// BenchmarkRecvAsyncReset measures a receive of a buffered value through the
// Receiver's embedded future — RecvAsync's reset of it dominates — with and
// without the GC marking meanwhile (a goroutine allocating garbage keeps it
// busy, so the write barrier is on for much of the run).
//
//	go test -run '^$' -bench RecvAsyncReset -benchmem ./syncx
func BenchmarkRecvAsyncReset(b *testing.B) {
	for _, gc := range []bool{false, true} {
		name := map[bool]string{false: "idle-gc", true: "busy-gc"}[gc]
		b.Run(name, func(b *testing.B) {
			tx, rx := NewChannel[*int](4)
			cx := rt.NewContext(nopWaker{})
			v := new(int)
			stop := make(chan struct{})
			if gc {
				go churn(stop)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := tx.TrySend(v); err != nil {
					b.Fatal(err)
				}
				if _, ok := rx.RecvAsync().Poll(cx); !ok {
					b.Fatal("receive of a buffered value pending")
				}
			}
			close(stop)
		})
	}
}

var churnSink []byte

// churn allocates garbage until stop is closed.
func churn(stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			for range 64 {
				churnSink = make([]byte, 4096)
			}
		}
	}
}

// BenchmarkRecvFutureReset isolates the reset that RecvAsync makes of the
// Receiver's embedded future: the former whole-struct assignment against the
// field-wise reset it uses now, with the GC idle and with it kept busy (the
// write barrier on). Each iteration first leaves the future as a completed
// hand-over does (including the sender's atomic store of handed, common to
// both forms).
//
//	go test -run '^$' -bench RecvFutureReset ./syncx
func BenchmarkRecvFutureReset(b *testing.B) {
	_, rx := NewChannel[*int](1)
	r := rx
	for _, gc := range []bool{false, true} {
		gcName := map[bool]string{false: "idle-gc", true: "busy-gc"}[gc]
		for _, fieldwise := range []bool{false, true} {
			name := map[bool]string{false: "struct-assign", true: "fieldwise"}[fieldwise]
			b.Run(gcName+"/"+name, func(b *testing.B) {
				stop := make(chan struct{})
				if gc {
					go churn(stop)
				}
				for b.Loop() {
					f := &r.recv
					// As a completed hand-over leaves it.
					f.done, f.w.notified, f.slot = true, true, nil
					f.handed.Store(true)
					if fieldwise {
						if f.c != r.c {
							f.c = r.c
						}
						f.slot = &r.recvSlot
						f.done, f.polled, f.w.notified = false, false, false
						f.handed = atomic.Bool{}
					} else {
						*f = RecvFuture[*int]{chanFuture: chanFuture{slot: &r.recvSlot}, c: r.c}
					}
				}
				close(stop)
			})
		}
	}
}

// TestMutexLentState drives the paths that find mutexLent set in the state
// word (the embedded future handed out, not yet polled): TryLock, Lock and
// Unlock must work around it, keep it, and leave the embedded future's
// claim to the future; the embedded future's poll must then find the lock
// held by another and queue, or free and take it.
func TestMutexLentState(t *testing.T) {
	cx := rt.NewContext(nopWaker{})
	var m Mutex
	f := m.LockAsync()
	if f != &m.lock || m.state.Load() != mutexLent {
		t.Fatalf("LockAsync of a free mutex: state %b, embedded %v", m.state.Load(), f == &m.lock)
	}
	if !m.TryLock() {
		t.Fatal("TryLock failed on a free mutex whose embedded future is lent")
	}
	if m.TryLock() {
		t.Fatal("TryLock succeeded twice")
	}
	m.Unlock()
	m.Lock() // the direct fast path fails on mutexLent; its slow path must not wait
	if m.state.Load() != mutexLocked|mutexLent {
		t.Fatalf("state after Lock: %b", m.state.Load())
	}
	if _, ok := f.Poll(cx); ok {
		t.Fatal("the lent future took a held lock")
	}
	if g := m.LockAsync(); g == f {
		t.Fatal("the embedded future handed out while pending")
	} else {
		g.Cancel()
	}
	m.Unlock() // frees the lock and wakes f
	if m.state.Load() != mutexLent {
		t.Fatalf("state after the wake-up: %b", m.state.Load())
	}
	if _, ok := f.Poll(cx); !ok {
		t.Fatal("the woken lent future did not take the free lock")
	}
	if m.state.Load() != mutexLocked {
		t.Fatalf("the finished future kept mutexLent: state %b", m.state.Load())
	}
	m.Unlock()
	if m.state.Load() != 0 {
		t.Fatalf("state after the last Unlock: %b", m.state.Load())
	}
	// Unlock of an unlocked mutex panics with mutexLent set as without it.
	f = m.LockAsync()
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Fatal("Unlock of an unlocked mutex did not panic")
			}
		}()
		m.Unlock()
	}()
	if _, ok := f.Poll(cx); !ok || m.state.Load() != mutexLocked {
		t.Fatalf("the lent future did not take the free lock in one step: state %b", m.state.Load())
	}
	m.Unlock()
}
