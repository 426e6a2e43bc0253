package rt

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// Await drives f to completion on the calling goroutine and returns its
// output: it polls f, and while f is pending sleeps until f's waker is woken.
// It is the direct mode of AwaitAsync, so in an async function `rt.Await(f)`
// is a suspension point.
//
// Await must not block a goroutine that is driving a runtime (from inside a
// task or a BlockOn main future): if f is pending there, Await panics instead
// of stalling every task of that runtime. A future that is ready at its first
// poll is fine anywhere. Steady state allocates nothing (the parking waker is
// pooled).
func Await[T any](f Future[T]) T {
	p := parkerPool.Get().(*parker)
	defer parkerPool.Put(p)
	for {
		if v, ok := f.Poll(&p.cx); ok {
			return v
		}
		checkNotOnDriver("Await", "AwaitAsync")
		// A Wake between the pending Poll and this receive left its token in
		// the 1-buffered channel, so it is not lost. A token left over from an
		// earlier Await with this parker costs one spurious poll.
		<-p.ch
	}
}

// AwaitAsync returns f itself: awaiting a future inside an async function is
// polling it from the caller's state machine.
func AwaitAsync[T any](f Future[T]) Future[T] { return f }

// parker is a Waker that wakes a goroutine sleeping in Await.
type parker struct {
	ch chan struct{} // capacity 1: at most one pending wake-up token
	cx Context       // owned by the goroutine in Await
}

func (p *parker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default: // a token is already pending
	}
}

var parkerPool = sync.Pool{New: func() any {
	p := &parker{ch: make(chan struct{}, 1)}
	p.cx = Context{waker: p, budget: budgetUnconstrained}
	return p
}}

// YieldNow lets other goroutines run: runtime.Gosched. It is the direct mode
// of YieldNowAsync.
func YieldNow() { runtime.Gosched() }

// YieldNowAsync returns a future that is pending exactly once: its first poll
// wakes the task and returns pending, putting the task at the back of its run
// queue; its second poll is ready. It is a leaf: its first poll spends one
// budget unit.
//
// It allocates one 1-byte object per call (served by Go's tiny allocator);
// the yield itself (wake, requeue, poll) allocates nothing. See doc.go for
// why a zero-allocation value type cannot keep the "already yielded" state.
func YieldNowAsync() Future[struct{}] { return new(yieldNow) }

type yieldNow struct {
	yielded bool // owned by the poller
}

func (y *yieldNow) Poll(cx *Context) (struct{}, bool) {
	if y.yielded {
		return struct{}{}, true
	}
	y.yielded = true
	cx.ConsumeBudget() // pending either way; the unit is spent
	cx.Waker().Wake()
	return struct{}{}, false
}

// Detecting direct-mode blocking on a runtime goroutine.
//
// Go has no goroutine-local storage, so each goroutine that drives a runtime
// (BlockOn, the default runtime's background driver) records its goroutine id,
// parsed from runtime.Stack once per BlockOn (about 1µs), in driverGoroutines.
// The direct-mode blocking functions (Await, Join, BlockOn; Shutdown checks its own runtime only) check it
// only when they are about to block and some runtime is being driven: the
// check is one atomic load otherwise, and about 1µs (the same parse plus a
// map lookup under a mutex) when it runs, small next to parking a goroutine.
var driverGoroutines struct {
	n   atomic.Int32        // number of entries in ids; read without mu
	mu  sync.Mutex          // protects ids
	ids map[uint64]struct{} // goroutines currently driving a runtime
}

// registerDriver records the calling goroutine as the driver of r and
// returns the function that removes it.
func (r *Runtime) registerDriver() func() {
	id := goroutineID()
	r.driverGID.Store(id)
	d := &driverGoroutines
	d.mu.Lock()
	if d.ids == nil {
		d.ids = make(map[uint64]struct{})
	}
	d.ids[id] = struct{}{}
	d.n.Add(1)
	d.mu.Unlock()
	return func() {
		r.driverGID.Store(0)
		d.mu.Lock()
		delete(d.ids, id)
		d.n.Add(-1)
		d.mu.Unlock()
	}
}

// checkNotOnDriver panics if the calling goroutine is driving a runtime.
func checkNotOnDriver(op, alt string) {
	d := &driverGoroutines
	if d.n.Load() == 0 {
		return
	}
	id := goroutineID()
	d.mu.Lock()
	_, driving := d.ids[id]
	d.mu.Unlock()
	if !driving {
		return
	}
	msg := "corio/rt: " + op + " called from inside a task on a runtime goroutine"
	if alt != "" {
		msg += "; use " + alt + " in an async function"
	}
	panic(msg)
}

// goroutineID parses the "goroutine N [" header of runtime.Stack.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		panic("corio/rt: cannot parse goroutine id from runtime.Stack")
	}
	b = b[len(prefix):]
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	id, err := strconv.ParseUint(string(b[:i]), 10, 64)
	if err != nil {
		panic("corio/rt: cannot parse goroutine id from runtime.Stack")
	}
	return id
}
