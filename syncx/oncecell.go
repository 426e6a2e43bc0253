package syncx

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// OnceCell holds a value of type T that is set at most once, typically by
// an asynchronous initializer that runs once however many tasks ask for the
// value at the same time. The zero value is an empty cell; a OnceCell must
// not be copied after first use.
//
// The initializer is given as a function returning a future, so that one
// API serves both modes by the twin rule: GetOrInit and GetOrInitAsync take
// the same argument. In an async function the initializer is usually the
// twin of an async function, func() rt.Future[T] { return LoadAsync(key) };
// a synchronous one is wrapped with rt.Ready. In direct mode GetOrInit
// awaits the initializer's future on the calling goroutine.
//
// Exactly one caller at a time holds the initializer role; the others wait.
// If the initializer is cancelled (its caller was aborted, timed out or lost
// a select) or panics, the role passes to the first waiter, which runs its
// own initializer: the value is still set exactly once, and no waiter is
// left waiting for an initializer that is gone.
type OnceCell[T any] struct {
	set   atomic.Bool // the value is written; stored after value
	value T           // written once, under mu, before set is stored

	mu           sync.Mutex
	initializing bool     // guarded by mu: some future holds the initializer role
	waiters      waitList // guarded by mu: GetOrInit futures waiting for the value (or the role)
}

// Get returns the value and true if the cell is set, else the zero value and
// false. It never waits.
func (c *OnceCell[T]) Get() (T, bool) {
	if c.set.Load() {
		return c.value, true
	}
	var zero T
	return zero, false
}

// Set sets the value if the cell is empty and no initializer is running, and
// reports whether it did.
func (c *OnceCell[T]) Set(v T) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set.Load() || c.initializing {
		return false
	}
	c.value = v
	c.set.Store(true)
	return true
}

// GetOrInit returns the value, first initializing the cell with the future
// that init returns if it is empty (direct mode of GetOrInitAsync). If
// another caller is initializing it, GetOrInit waits for that. It panics
// instead if it would have to wait on a goroutine that drives a runtime.
func (c *OnceCell[T]) GetOrInit(init func() rt.Future[T]) T {
	if c.set.Load() {
		return c.value
	}
	return directAwait[T](c.GetOrInitAsync(init), "OnceCell.GetOrInit", "GetOrInitAsync")
}

// GetOrInitAsync returns a future of the cell's value. At its first poll, if
// the cell is empty and nobody is initializing it, the future takes the
// initializer role: it calls init and polls the future init returned, and
// when that is ready sets the cell and wakes the waiters; otherwise it waits
// for the value. It spends one budget unit at its first poll (the
// initializer's future spends its own).
//
// Cancel-safe: cancelling a waiting future removes its waiter; cancelling the
// initializer cancels init's future and passes the role to the first waiter,
// so the cell is still initialized exactly once and nobody waits forever.
func (c *OnceCell[T]) GetOrInitAsync(init func() rt.Future[T]) *OnceCellFuture[T] {
	return &OnceCellFuture[T]{c: c, init: init}
}

// OnceCellFuture is the future of OnceCell.GetOrInitAsync; its output is the
// cell's value. It must be polled by one task at a time.
type OnceCellFuture[T any] struct {
	c     *OnceCell[T]
	init  func() rt.Future[T] // immutable
	inner rt.Future[T]        // owned by the poller: init's future while this one initializes
	owner bool                // owned by the poller: this future holds the initializer role
	state pendState           // owned by the poller
	w     waiter              // guarded by c.mu
}

// Poll implements rt.Future.
func (f *OnceCellFuture[T]) Poll(cx *rt.Context) (T, bool) {
	c := f.c
	switch {
	case f.state == pendDone:
		panic("corio/syncx: OnceCellFuture polled after completion")
	case f.owner:
		return f.pollInit(cx)
	case f.state == pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			var zero T
			return zero, false
		}
		if c.set.Load() {
			f.state = pendDone
			return c.value, true
		}
		c.mu.Lock()
		switch {
		case c.set.Load():
			c.mu.Unlock()
			f.state = pendDone
			return c.value, true
		case !c.initializing:
			c.initializing = true
			c.mu.Unlock()
			f.owner = true
			f.state = pendWaiting
			return f.pollInit(cx)
		}
		f.w.waker = cx.Waker()
		c.waiters.pushBack(&f.w)
		c.mu.Unlock()
		f.state = pendWaiting
		var zero T
		return zero, false
	}
	if !repoll(&c.mu, &f.w, cx) {
		var zero T
		return zero, false
	}
	if c.set.Load() {
		f.state = pendDone
		return c.value, true
	}
	// Not set, yet notified: the previous initializer was cancelled and
	// handed the role to this future.
	f.owner = true
	return f.pollInit(cx)
}

// pollInit runs the initializer role: it polls init's future and publishes
// its value. If init or its future panics, the role passes on before the
// panic propagates.
func (f *OnceCellFuture[T]) pollInit(cx *rt.Context) (v T, ok bool) {
	finished := false
	defer func() {
		if !finished {
			f.inner = nil
			f.owner = false
			f.state = pendDone
			f.c.passRole()
		}
	}()
	if f.inner == nil {
		f.inner = f.init()
	}
	v, ok = f.inner.Poll(cx)
	finished = true
	if !ok {
		return v, false
	}
	f.inner = nil
	f.owner = false
	f.state = pendDone
	c := f.c
	c.mu.Lock()
	c.value = v
	c.set.Store(true)
	c.initializing = false
	// New arrivals see set while the lock is dropped to wake a full batch.
	notifyUnlock(&c.mu, &c.waiters, cx, true, nil)
	return v, true
}

// passRole gives the initializer role to the first waiter, or frees it.
func (c *OnceCell[T]) passRole() {
	c.mu.Lock()
	wk, ok := notifyFront(&c.waiters)
	if !ok {
		c.initializing = false
	}
	c.mu.Unlock()
	if wk != nil {
		wk.Wake()
	}
}

// Cancel abandons the future: see GetOrInitAsync. It is idempotent and does
// nothing for a completed future or one never polled.
func (f *OnceCellFuture[T]) Cancel() {
	if !f.state.cancel() {
		return
	}
	c := f.c
	if f.owner {
		f.owner = false
		if f.inner != nil {
			rt.Cancel(f.inner)
			f.inner = nil
		}
		c.passRole()
		return
	}
	c.mu.Lock()
	notified := withdraw(&c.waiters, &f.w)
	handedRole := notified && !c.set.Load()
	c.mu.Unlock()
	if handedRole {
		c.passRole()
	}
}
