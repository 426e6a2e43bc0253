package rt

import (
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/poller"
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
	if c, ok := f.(*closureFuture[T]); ok { // Async's: run in place (async.go)
		if v, ok := c.awaitInline(); ok {
			return v
		}
	}
	p := parkerPool.Get().(*parker)
	defer parkerPool.Put(p)
	var frames *frameStack
	for {
		if v, ok := drive(&p.cx, &frames, f); ok {
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
	ch   chan struct{} // capacity 1: at most one pending wake-up token
	cx   Context       // owned by the goroutine in Await
	box  Waker         // the parker itself: the box it lends a task it joins (joinBoxer)
	pbox poller.Waker  // the parker itself: the box it lends a registration it waits on (WakerBox)
}

// joinBox lends the parker's box to a task whose lone joiner it is.
func (p *parker) joinBox() *Waker { return &p.box }

func (p *parker) Wake() {
	select {
	case p.ch <- struct{}{}:
	default: // a token is already pending
	}
}

var parkerPool = sync.Pool{New: func() any {
	p := &parker{ch: make(chan struct{}, 1)}
	p.cx = Context{waker: p, budget: budgetUnconstrained}
	p.box, p.pbox = p, p
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
// the yield itself (wake, requeue, poll) allocates nothing. A caller that
// keeps the future in its own state (generated code does) uses MakeYieldNow
// instead and allocates nothing; see doc.go for why the interface form
// cannot.
func YieldNowAsync() Future[struct{}] { return new(YieldNowFuture) }

// Detecting direct-mode blocking on a runtime goroutine.
//
// Go has no goroutine-local storage, so a goroutine cannot cheaply ask "am I
// driving a runtime?". The answer is on its stack instead: every goroutine
// that drives a runtime (BlockOn, the default runtime's background driver)
// does so inside driverFrame, a function that is never inlined. The
// direct-mode blocking functions (Await, Join, BlockOn, and Shutdown of a
// runtime being driven) walk their own stack looking for that frame — but
// only when some runtime is being driven at all (one atomic load otherwise)
// and only when they are about to park a goroutine anyway, so the walk (about
// 1µs for a typical stack) is never on a hot path. Driving a runtime itself
// costs nothing extra: an earlier version parsed the goroutine id out of
// runtime.Stack on every BlockOn, which cost several microseconds per call
// with a deep stack.
var drivingGoroutines atomic.Int32 // goroutines currently inside driverFrame

// driverFrame runs drive (a worker's loop) on the calling goroutine; its
// frame marks the goroutine as a runtime driver (see onDriverStack).
//
//go:noinline
func driverFrame(drive func()) {
	drivingGoroutines.Add(1)
	defer drivingGoroutines.Add(-1)
	drive()
}

var driverFrameName = runtime.FuncForPC(reflect.ValueOf(driverFrame).Pointer()).Name()

// onDriverStack reports whether the calling goroutine is inside driverFrame.
func onDriverStack() bool {
	if drivingGoroutines.Load() == 0 {
		return false
	}
	var pcs [64]uintptr
	for skip := 2; ; skip += len(pcs) {
		n := runtime.Callers(skip, pcs[:])
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if f.Function == driverFrameName {
				return true
			}
			if !more {
				break
			}
		}
		if n < len(pcs) {
			return false
		}
	}
}

// checkNotOnDriver panics if the calling goroutine is driving a runtime.
func checkNotOnDriver(op, alt string) {
	if !onDriverStack() {
		return
	}
	// netx recognises this message by its start (netx's awaitInTask) to
	// name its own blocking method instead: keep the two in step.
	msg := "corio/rt: " + op + " called from inside a task on a runtime goroutine"
	if alt != "" {
		msg += "; use " + alt + " in an async function"
	}
	panic(msg)
}
