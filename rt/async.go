package rt

import (
	"sync"
)

// Async returns a future whose output is f's result: an async closure, the
// way to spawn, select on or await a piece of code that captures the
// caller's variables without declaring a named async function (Tokio's
// async move block):
//
//	for i, u := range urls {
//		hs[i] = rt.Spawn(rt.Async(func() int {
//			n, _ := Fetch(u) // suspends, inside an async function
//			return n         // u is this iteration's
//		}))
//	}
//
// Inside an async function, asyncgen lowers a func literal passed to Async
// (or AsyncDo) into a future of its own whose body is lowered like an async
// function's: the calls in it that suspend suspend that future, and it
// captures variables by reference exactly as the func literal does (a
// variable that both the closure and the function use is shared; a loop
// variable is the iteration's). Any other func value passed to Async, or
// Async in plain Go, gives this function's future, the direct mode: its
// first poll starts f on a goroutine of its own, as a go statement would,
// and the future is ready with f's result when f returns; until then it is
// pending, like a suspended async function. So everything that takes a
// future treats f as the async form runs it: Spawn's task waits for it
// without blocking its runtime, Timeout and Select stop waiting for it
// when the deadline or another branch comes first, and Join2 runs two
// closures concurrently. Await, the direct mode of awaiting, runs an Async
// future that no one polled yet on the calling goroutine instead (plain Go
// blocking in place, with the panic's own stack), unless that goroutine
// drives a runtime. A panic in f is raised again from Poll with the same
// value (a spawned task's JoinHandle reports it as a *JoinError). Cancelling
// the future (Abort, Timeout, a select that chose another branch) cannot
// stop a goroutine already running f: the future stops waiting and f's
// result is discarded when it returns.
//
// Why a function taking a func literal: the source stays ordinary,
// type-checked Go that runs as written in direct mode, and one small form
// composes with everything that takes a future (Spawn, SpawnOn, Select,
// Join, Timeout, JoinSet) instead of a twin of each. f's result is the
// future's output; for several results return a struct or an rt.TupleN, and
// for none use AsyncDo.
//
// Async allocates the future (one small object); f runs when the future is
// first polled (or awaited), never before.
func Async[T any](f func() T) Future[T] {
	return &closureFuture[T]{f: f}
}

// AsyncDo is Async for a func literal without results: the future's output
// is struct{}, as the result rule gives for a function with no results.
//
//	h := rt.Spawn(rt.AsyncDo(func() {
//		rt.Sleep(time.Millisecond)
//		done = true
//	}))
func AsyncDo(f func()) Future[struct{}] {
	return &closureFuture[struct{}]{f: func() struct{} { f(); return struct{}{} }}
}

// closureFuture is the direct-mode future of Async: f run on a goroutine of
// its own, or inline by Await (see Async).
type closureFuture[T any] struct {
	f func() T // owned by the poller; nil once started

	mu       sync.Mutex // guards the fields below, shared with f's goroutine
	done     bool       // f returned or panicked; v or pval holds the outcome
	gone     bool       // cancelled: the outcome is dropped
	waker    Waker      // woken when done
	v        T
	panicked bool
	pval     any
}

// Poll implements Future.
func (c *closureFuture[T]) Poll(cx *Context) (T, bool) {
	if f := c.f; f != nil {
		c.f = nil
		c.waker = cx.Waker() // before the goroutine exists: no lock needed
		go c.run(f)
	}
	c.mu.Lock()
	if !c.done {
		c.waker = cx.Waker()
		c.mu.Unlock()
		var zero T
		return zero, false
	}
	v, panicked, pval := c.v, c.panicked, c.pval
	c.v, c.pval = *new(T), nil
	c.mu.Unlock()
	if panicked {
		panic(pval)
	}
	return v, true
}

// awaitInline runs f on the calling goroutine if no one polled the future
// yet and the goroutine drives no runtime: Await's plain-Go path.
func (c *closureFuture[T]) awaitInline() (v T, ok bool) {
	if c.f == nil || onDriverStack() {
		return v, false
	}
	f := c.f
	c.f = nil
	return f(), true
}

// run runs f on its own goroutine and hands its outcome to Poll.
func (c *closureFuture[T]) run(f func() T) {
	returned := false
	var v T
	defer func() {
		var pval any
		if !returned {
			pval = recover()
			if pval == nil { // runtime.Goexit: not a panic, but f did not return
				pval = "corio/rt: an rt.Async function called runtime.Goexit"
			}
		}
		c.mu.Lock()
		w := c.waker
		c.waker = nil
		c.done = true
		if !c.gone {
			c.v, c.panicked, c.pval = v, !returned, pval
		}
		c.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	}()
	v = f()
	returned = true
}

// Cancel implements Canceler: the future stops waiting for f, whose outcome
// is dropped when it returns (a goroutine cannot be stopped from outside).
func (c *closureFuture[T]) Cancel() {
	c.f = nil
	c.mu.Lock()
	c.gone = true
	c.waker = nil
	c.v, c.pval = *new(T), nil
	c.mu.Unlock()
}
