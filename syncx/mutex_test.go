package syncx

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// Test helpers of the lock tests (mutex, rwlock, semaphore, notify, barrier,
// oncecell, waitgroup, canceltoken); the runtime helpers chRunTasks, chModes
// and chCheckGoroutines are the channel tests'.

// critTask is a hand-written task that, iters times, acquires (awaiting the
// future acquire returns), calls enter, yields once while holding — so that
// other tasks run while it is inside — calls leave and releases.
type critTask struct {
	iters          int
	acquire        func() rt.Future[struct{}]
	enter, leave   func()
	release        func()
	i              int
	cur            rt.Future[struct{}]
	holding, yield bool
}

func (c *critTask) Poll(cx *rt.Context) (struct{}, bool) {
	for c.i < c.iters {
		if !c.holding {
			if c.cur == nil {
				c.cur = c.acquire()
			}
			if _, ok := c.cur.Poll(cx); !ok {
				return struct{}{}, false
			}
			c.cur = nil
			c.holding, c.yield = true, true
			c.enter()
		}
		if c.yield {
			c.yield = false
			cx.Waker().Wake()
			return struct{}{}, false
		}
		c.leave()
		c.release()
		c.holding = false
		c.i++
	}
	return struct{}{}, true
}

// exclusion counts who is inside a critical section and fails t when the
// count exceeds max.
type exclusion struct {
	t      testing.TB
	max    int32
	inside atomic.Int32
	total  atomic.Int64
}

func (e *exclusion) enter() {
	if n := e.inside.Add(1); n > e.max {
		e.t.Errorf("%d inside a section that admits %d", n, e.max)
	}
	e.total.Add(1)
}

func (e *exclusion) leave() { e.inside.Add(-1) }

// panicMessage runs f and returns what it panicked with, as a string ("" if
// it did not panic).
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg, _ = r.(string)
			if msg == "" {
				msg = "non-string panic"
			}
		}
	}()
	f()
	return ""
}

// refusedInTask runs block inside a task of a current-thread runtime and
// returns the message it panicked with.
func refusedInTask(t *testing.T, block func()) string {
	t.Helper()
	return rt.Run(rt.PollFunc(func(*rt.Context) (string, bool) {
		return panicMessage(block), true
	}))
}

func TestMutexBasic(t *testing.T) {
	var m Mutex
	if !m.TryLock() {
		t.Fatal("TryLock of a zero Mutex failed")
	}
	if m.TryLock() {
		t.Fatal("TryLock of a locked Mutex succeeded")
	}
	m.Unlock()
	m.Lock()
	m.Unlock()
	if msg := panicMessage(m.Unlock); msg != "corio/syncx: Unlock of unlocked Mutex" {
		t.Fatalf("Unlock of unlocked: panic %q", msg)
	}
}

// TestMutexWakeAndBarge checks by hand that Unlock frees the lock and wakes
// only the first waiter, that a locker may take the lock before that waiter
// polls, that the waiter then goes back to the front of the queue (the next
// Unlock wakes it again, not the one behind it), and that a woken waiter that
// is cancelled passes its turn to the next.
func TestMutexWakeAndBarge(t *testing.T) {
	var m Mutex
	m.Lock()
	ws := make([]*explWaker, 3)
	fs := make([]*LockFuture, 3)
	for i := range fs {
		ws[i], fs[i] = &explWaker{}, m.LockAsync()
		if _, ok := fs[i].Poll(rt.NewContext(ws[i])); ok {
			t.Fatalf("waiter %d got a held lock", i)
		}
	}
	m.Unlock()
	if !ws[0].woken || ws[1].woken || ws[2].woken {
		t.Fatalf("woken after Unlock: %v %v %v, want only the first", ws[0].woken, ws[1].woken, ws[2].woken)
	}
	if !m.TryLock() {
		t.Fatal("TryLock could not take the lock freed for a woken waiter")
	}
	ws[0].woken = false
	if _, ok := fs[0].Poll(rt.NewContext(ws[0])); ok {
		t.Fatal("the woken waiter took a lock held by the barger")
	}
	m.Unlock()
	if !ws[0].woken || ws[1].woken {
		t.Fatal("the overtaken waiter lost its place at the front")
	}
	fs[0].Cancel() // woken, not yet polled: the turn passes to fs[1]
	fs[0].Cancel()
	if !ws[1].woken || ws[2].woken {
		t.Fatal("cancelling the woken waiter did not wake the next")
	}
	if _, ok := fs[1].Poll(rt.NewContext(ws[1])); !ok {
		t.Fatal("second waiter did not take the free lock")
	}
	fs[2].Cancel() // queued: leaves the queue
	m.Unlock()
	if !m.TryLock() {
		t.Fatal("lock not free after the last waiter left")
	}
	m.Unlock()
	never := m.LockAsync()
	never.Cancel() // never polled: holds nothing
	if !m.TryLock() {
		t.Fatal("an unpolled cancelled future held the lock")
	}
	m.Unlock()
	if m.state.Load() != 0 {
		t.Fatalf("state at the end: %b", m.state.Load())
	}
}

// TestMutexStarvationBound checks the overtaking bound: a waiter that is
// woken and finds the lock taken mutexStarveAfter times switches the mutex
// to hand-off mode, where Unlock passes the lock to it directly and nobody
// barges; the mode ends with that hand-over when no starved waiter is left.
func TestMutexStarvationBound(t *testing.T) {
	var m Mutex
	m.Lock()
	w, w2 := &explWaker{}, &explWaker{}
	f := m.LockAsync()
	if _, ok := f.Poll(rt.NewContext(w)); ok {
		t.Fatal("waiter got a held lock")
	}
	g := m.LockAsync() // a second waiter, behind f
	if _, ok := g.Poll(rt.NewContext(w2)); ok {
		t.Fatal("second waiter got a held lock")
	}
	overtaken := 0
	for {
		w.woken = false
		m.Unlock()
		if !w.woken || w2.woken {
			t.Fatalf("after %d overtakings Unlock did not wake the front waiter alone", overtaken)
		}
		if !m.TryLock() {
			break // hand-off mode: the lock went to f
		}
		overtaken++
		if overtaken > mutexStarveAfter {
			t.Fatalf("waiter overtaken %d times", overtaken)
		}
		if _, ok := f.Poll(rt.NewContext(w)); ok {
			t.Fatal("the woken waiter took a held lock")
		}
	}
	if overtaken != mutexStarveAfter {
		t.Fatalf("hand-off mode after %d overtakings, want %d", overtaken, mutexStarveAfter)
	}
	if m.state.Load()&mutexStarving == 0 {
		t.Fatalf("handed over without hand-off mode: state %b", m.state.Load())
	}
	if _, ok := f.Poll(rt.NewContext(w)); !ok {
		t.Fatal("the starved waiter was not handed the lock")
	}
	// g never lost: handing to it ends the mode.
	m.Unlock()
	if !w2.woken || m.TryLock() {
		t.Fatal("hand-off mode did not hand the lock to the next waiter")
	}
	if m.state.Load()&mutexStarving != 0 {
		t.Fatalf("hand-off mode outlived the starved waiter: state %b", m.state.Load())
	}
	if _, ok := g.Poll(rt.NewContext(w2)); !ok {
		t.Fatal("the second waiter was not handed the lock")
	}
	m.Unlock()
	if m.state.Load() != 0 {
		t.Fatalf("state at the end: %b", m.state.Load())
	}
}

// TestMutexHandOffCancel checks that in hand-off mode a granted waiter that
// is cancelled before it polls passes the lock to the next.
func TestMutexHandOffCancel(t *testing.T) {
	mutexAlwaysHandOff = true
	defer func() { mutexAlwaysHandOff = false }()
	var m Mutex
	m.Lock()
	ws := []*explWaker{{}, {}}
	fs := []*LockFuture{m.LockAsync(), m.LockAsync()}
	for i, f := range fs {
		if _, ok := f.Poll(rt.NewContext(ws[i])); ok {
			t.Fatalf("waiter %d got a held lock", i)
		}
	}
	m.Unlock()
	if !ws[0].woken || ws[1].woken || m.TryLock() {
		t.Fatal("Unlock did not hand the lock to the first waiter alone")
	}
	fs[0].Cancel() // granted, never polled: the lock passes to fs[1]
	if !ws[1].woken || m.TryLock() {
		t.Fatal("cancelling the granted waiter did not pass the lock on")
	}
	if _, ok := fs[1].Poll(rt.NewContext(ws[1])); !ok {
		t.Fatal("second waiter not ready after the hand-off")
	}
	m.Unlock()
	if m.state.Load() != 0 {
		t.Fatalf("state at the end: %b", m.state.Load())
	}
}

func TestMutexTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		before := runtime.NumGoroutine()
		var m Mutex
		ex := &exclusion{t: t, max: 1}
		const tasks, iters = 8, 200
		fs := make([]rt.Future[struct{}], tasks)
		for i := range fs {
			fs[i] = &critTask{iters: iters, enter: ex.enter, leave: ex.leave, release: m.Unlock,
				acquire: func() rt.Future[struct{}] { return m.LockAsync() }}
		}
		chRunTasks(t, multi, fs...)
		if got := ex.total.Load(); got != tasks*iters {
			t.Fatalf("%d critical sections, want %d", got, tasks*iters)
		}
		if !m.TryLock() {
			t.Fatal("mutex left locked")
		}
		chCheckGoroutines(t, before)
	})
}

// TestMutexGoroutinesAndTasks shares one mutex between plain goroutines
// (Lock, blocking) and tasks of a multi-thread runtime (LockAsync).
func TestMutexGoroutinesAndTasks(t *testing.T) {
	var m Mutex
	ex := &exclusion{t: t, max: 1}
	var wg sync.WaitGroup
	const gs, iters = 4, 300
	for range gs {
		wg.Go(func() {
			for range iters {
				m.Lock()
				ex.enter()
				runtime.Gosched()
				ex.leave()
				m.Unlock()
			}
		})
	}
	fs := make([]rt.Future[struct{}], 4)
	for i := range fs {
		fs[i] = &critTask{iters: iters, enter: ex.enter, leave: ex.leave, release: m.Unlock,
			acquire: func() rt.Future[struct{}] { return m.LockAsync() }}
	}
	chRunTasks(t, true, fs...)
	wg.Wait()
	if got := ex.total.Load(); got != (gs+4)*iters {
		t.Fatalf("%d critical sections, want %d", got, (gs+4)*iters)
	}
}

// TestMutexRefusedOnRuntime checks that the blocking Lock panics inside a
// task, naming the async twin, and leaves no waiter behind.
func TestMutexRefusedOnRuntime(t *testing.T) {
	var m Mutex
	m.Lock()
	msg := refusedInTask(t, m.Lock)
	want := "corio/syncx: Mutex.Lock called from inside a task on a runtime goroutine; use LockAsync in an async function"
	if msg != want {
		t.Fatalf("panic %q, want %q", msg, want)
	}
	m.Unlock()
	if !m.TryLock() {
		t.Fatal("the refused Lock left a waiter that took the lock")
	}
	m.Unlock()
	// Uncontended, Lock does not wait and is fine anywhere.
	if msg := refusedInTask(t, func() { m.Lock(); m.Unlock() }); msg != "" {
		t.Fatalf("uncontended Lock in a task panicked: %q", msg)
	}
}

// TestMutexTimeoutLosesNothing: a LockAsync under rt.TimeoutAsync that
// times out (and is cancelled by it) leaves no place in the queue and no
// lock behind: the waiter queued behind it gets the lock next.
func TestMutexTimeoutLosesNothing(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		var m Mutex
		m.Lock() // held by the test until the timed lock gave up
		var timed rt.Future[rt.Tuple2[struct{}, error]]
		var behind *LockFuture
		var err error
		phase := 0
		chRunTasks(t, multi, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			switch phase {
			case 0:
				timed = rt.TimeoutAsync(time.Millisecond, rt.Future[struct{}](m.LockAsync()))
				behind = m.LockAsync()
				if _, ok := timed.Poll(cx); ok {
					t.Error("timed lock ready while the mutex is held")
				}
				if _, ok := behind.Poll(cx); ok {
					t.Error("second lock ready while the mutex is held")
				}
				phase = 1
				fallthrough
			case 1:
				out, ok := timed.Poll(cx)
				if !ok {
					return struct{}{}, false
				}
				err = out.V1
				m.Unlock() // the test's hold: must go to behind, not to the timed-out one
				phase = 2
				fallthrough
			default:
				if _, ok := behind.Poll(cx); !ok {
					return struct{}{}, false
				}
				m.Unlock()
				return struct{}{}, true
			}
		}))
		if !errors.Is(err, rt.ErrTimeout) {
			t.Fatalf("timed lock: err %v, want ErrTimeout", err)
		}
		if !m.TryLock() {
			t.Fatal("lock held after everyone unlocked")
		}
	})
}

func TestMutexDirectAwaitReraisesOtherPanics(t *testing.T) {
	f := &panickyFuture{}
	msg := panicMessage(func() { directAwait[struct{}](f, "X", "XAsync") })
	if msg != "boom" || !f.cancelled {
		t.Fatalf("panic %q, cancelled %v; want boom and a cancel", msg, f.cancelled)
	}
}

type panickyFuture struct{ cancelled bool }

func (*panickyFuture) Poll(*rt.Context) (struct{}, bool) { panic("boom") }
func (f *panickyFuture) Cancel()                         { f.cancelled = true }

// timedCritTask is a task that, iters times, tries to acquire within a
// random few microseconds (rt.TimeoutAsync over the future acquire
// returns); on success it enters, yields while holding, leaves and
// releases. Timeouts cancel acquisitions at every stage — queued, or
// granted but not yet polled — under real concurrency.
func timedCritTask(seed uint64, iters int, acquire func() rt.Future[struct{}], enter, leave, release func(), timeouts *atomic.Int64) rt.Future[struct{}] {
	rng := rand.New(rand.NewPCG(seed, 1))
	var cur rt.Future[rt.Tuple2[struct{}, error]]
	holding := false
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for iters > 0 {
			if holding {
				leave()
				release()
				holding = false
				iters--
				continue
			}
			if cur == nil {
				cur = rt.TimeoutAsync(time.Duration(rng.IntN(20))*time.Microsecond, acquire())
			}
			out, ok := cur.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			cur = nil
			if out.V1 != nil {
				timeouts.Add(1)
				iters--
				continue
			}
			enter()
			holding = true
			cx.Waker().Wake() // hold the lock across a yield
			return struct{}{}, false
		}
		return struct{}{}, true
	})
}

// TestMutexTimeoutStress: tasks on a multi-thread runtime lock under short
// timeouts; mutual exclusion holds throughout and the mutex ends unlocked
// with nobody queued.
func TestMutexTimeoutStress(t *testing.T) {
	var m Mutex
	ex := &exclusion{t: t, max: 1}
	var timeouts atomic.Int64
	fs := make([]rt.Future[struct{}], 8)
	for i := range fs {
		fs[i] = timedCritTask(uint64(i), 300, func() rt.Future[struct{}] { return m.LockAsync() },
			ex.enter, ex.leave, m.Unlock, &timeouts)
	}
	chRunTasks(t, true, fs...)
	t.Logf("%d sections, %d timeouts", ex.total.Load(), timeouts.Load())
	if ex.total.Load()+timeouts.Load() != 8*300 {
		t.Fatalf("%d sections + %d timeouts != %d", ex.total.Load(), timeouts.Load(), 8*300)
	}
	if !m.TryLock() || !m.waiters.empty() {
		t.Fatal("mutex left locked or with waiters")
	}
}

// TestBudgetEveryOperation: every operation that can wait spends one unit of
// the task's budget even when it is ready at once, so a task looping on
// ready operations yields after its 128 units.
func TestBudgetEveryOperation(t *testing.T) {
	var m Mutex
	var rw RwLock
	s := NewSemaphore(1)
	var n Notify
	var wg WaitGroup
	tok := NewCancelToken()
	tok.Cancel()
	b := NewBarrier(1)
	var cell OnceCell[int]
	cell.Set(1)
	ops := map[string]func(cx *rt.Context) bool{
		"Mutex.LockAsync": func(cx *rt.Context) bool {
			_, ok := m.LockAsync().Poll(cx)
			if ok {
				m.Unlock()
			}
			return ok
		},
		"RwLock.RLockAsync": func(cx *rt.Context) bool {
			_, ok := rw.RLockAsync().Poll(cx)
			if ok {
				rw.RUnlock()
			}
			return ok
		},
		"RwLock.LockAsync": func(cx *rt.Context) bool {
			_, ok := rw.LockAsync().Poll(cx)
			if ok {
				rw.Unlock()
			}
			return ok
		},
		"Semaphore.AcquireAsync": func(cx *rt.Context) bool {
			_, ok := s.AcquireAsync(1).Poll(cx)
			if ok {
				s.Release(1)
			}
			return ok
		},
		"Notify.NotifiedAsync": func(cx *rt.Context) bool {
			n.NotifyOne()
			_, ok := n.NotifiedAsync().Poll(cx)
			return ok
		},
		"WaitGroup.WaitAsync":         func(cx *rt.Context) bool { _, ok := wg.WaitAsync().Poll(cx); return ok },
		"CancelToken.CancelledAsync":  func(cx *rt.Context) bool { _, ok := tok.CancelledAsync().Poll(cx); return ok },
		"Barrier.WaitAsync":           func(cx *rt.Context) bool { _, ok := b.WaitAsync().Poll(cx); return ok },
		"OnceCell.GetOrInitAsync/set": func(cx *rt.Context) bool { _, ok := cell.GetOrInitAsync(nil).Poll(cx); return ok },
	}
	for name, op := range ops {
		polls, first := 0, 0
		rt.Run(rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
			polls++
			for i := 0; ; i++ {
				if !op(cx) {
					if polls == 1 {
						first = i
					}
					return struct{}{}, polls == 2
				}
			}
		}))
		if first != 128 {
			t.Errorf("%s: %d ready operations in one poll, want the budget (128)", name, first)
		}
	}
	n.Notified() // the permit the refused NotifiedAsync left stored
	if !m.TryLock() || !s.TryAcquire(1) || !rw.TryLock() {
		t.Fatal("a refused operation kept what it would have taken")
	}
}
