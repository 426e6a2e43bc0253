package syncx

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// CancelToken is a cancellation signal organised as a tree, as Tokio's
// CancellationToken: cancelling a token cancels every token derived from it
// with Child, and not its parent. Tasks wait for it with Cancelled (or the
// future CancelledAsync, typically in a select beside real work) or poll
// IsCancelled.
//
// A token interoperates with context.Context both ways, with no goroutine
// per token for the context package's own contexts: FromContext makes a
// token that is cancelled when a context is done, and Context returns a
// context that is cancelled when the token is.
//
// Memory. A child is reachable from its parent until either is cancelled
// (then it unlinks itself). Like context.WithCancel's cancel function, cancel
// a child when you are done with it, or it lives as long as its parent.
type CancelToken struct {
	cancelled atomic.Bool // stored under mu, read anywhere

	mu        sync.Mutex
	waiters   waitList        // guarded by mu: CancelledFutures
	callbacks callbackSet     // guarded by mu: run once when cancelled
	ctx       context.Context // guarded by mu: built by the first Context call
	base      context.Context // immutable: FromContext's context, or nil
	ctxStop   func() bool     // guarded by mu: unregisters from base; nil if none

	parent *CancelToken // immutable: nil for a root
	link   callback     // immutable: this token's entry in parent's callbacks
}

// ErrTokenCancelled is the cause (context.Cause) of the context a
// CancelToken's Context returns once the token is cancelled; the context's
// Err is context.Canceled, as for any cancelled context.
var ErrTokenCancelled = errors.New("corio/syncx: token cancelled")

// NewCancelToken returns a root token that is not cancelled.
func NewCancelToken() *CancelToken { return &CancelToken{} }

// FromContext returns a root token that is cancelled once ctx is done. It
// uses context.AfterFunc, so it costs no goroutine for a context built by
// the context package. The token's Context derives from ctx (it carries
// ctx's values and deadline). Cancelling the token does not cancel ctx.
func FromContext(ctx context.Context) *CancelToken {
	t := &CancelToken{base: ctx}
	if ctx.Done() == nil {
		return t // never done
	}
	if ctx.Err() != nil {
		t.cancelled.Store(true)
		return t
	}
	stop := context.AfterFunc(ctx, t.Cancel)
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		stop() // ctx was done meanwhile; its callback has run or runs now
		return t
	}
	t.ctxStop = stop
	t.mu.Unlock()
	return t
}

// Child returns a new token that is cancelled when t is (at once, if t is
// cancelled already). Cancelling the child does not cancel t.
func (t *CancelToken) Child() *CancelToken {
	c := &CancelToken{parent: t, base: t.base}
	c.link.child = c
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		c.cancelled.Store(true)
		return c
	}
	t.callbacks.add(&c.link)
	t.mu.Unlock()
	return c
}

// IsCancelled reports whether t was cancelled. It is one atomic load.
func (t *CancelToken) IsCancelled() bool { return t.cancelled.Load() }

// Cancel cancels t and, recursively, its children: it wakes every waiter,
// cancels the context Context returned, and runs the AfterFunc callbacks.
// Cancel is idempotent and never blocks (AfterFunc callbacks run on their
// own goroutines).
func (t *CancelToken) Cancel() {
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		return
	}
	t.cancelled.Store(true)
	cbs := t.callbacks
	t.callbacks = nil
	stop := t.ctxStop
	t.ctxStop = nil
	// New waiters see cancelled while the lock is dropped to wake a full batch.
	notifyUnlock(&t.mu, &t.waiters, nil, true, nil)
	if stop != nil {
		stop()
	}
	if p := t.parent; p != nil {
		p.mu.Lock()
		p.callbacks.remove(&t.link) // if still there: p was not cancelled
		p.mu.Unlock()
	}
	for cb := range cbs { // taken out of t: nobody else reads or writes cbs
		cb.run()
	}
}

// AfterFunc arranges for f to run on its own goroutine once t is cancelled
// (at once if it is already), as context.AfterFunc does for a context. The
// stop function unregisters f: it reports true if it stopped f from being
// run, false if f was started already or stopped before.
func (t *CancelToken) AfterFunc(f func()) (stop func() bool) {
	cb := &callback{f: f}
	t.mu.Lock()
	if t.cancelled.Load() {
		t.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	t.callbacks.add(cb)
	t.mu.Unlock()
	return func() bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.callbacks.remove(cb)
	}
}

// Context returns a context.Context that is cancelled, with cause
// ErrTokenCancelled, when t is. It derives from FromContext's context for a
// token made by FromContext (or by Child of one), else from
// context.Background. Every call returns the same context. It costs no
// goroutine: cancellation reaches it through t's callbacks.
func (t *CancelToken) Context() context.Context {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctx != nil {
		return t.ctx
	}
	base := t.base
	if base == nil {
		base = context.Background()
	}
	ctx, cancel := context.WithCancelCause(base)
	t.ctx = ctx
	if t.cancelled.Load() {
		cancel(ErrTokenCancelled)
	} else {
		t.callbacks.add(&callback{ctxCancel: cancel})
	}
	return ctx
}

// Cancelled blocks the calling goroutine until t is cancelled (direct mode
// of CancelledAsync). It panics instead if it would have to wait on a
// goroutine that drives a runtime.
func (t *CancelToken) Cancelled() {
	if t.cancelled.Load() {
		return
	}
	f := cancelledPool.get()
	f.t = t
	directAwait[struct{}](f, "CancelToken.Cancelled", "CancelledAsync")
	cancelledPool.put(f)
}

var cancelledPool directPool[CancelledFuture]

// CancelledAsync returns a future that is ready once t is cancelled. It
// spends one budget unit per poll.
//
// Cancel-safe: cancelling the pending future removes its waiter; a wait
// holds nothing else.
func (t *CancelToken) CancelledAsync() *CancelledFuture { return &CancelledFuture{t: t} }

// CancelledFuture is the future of CancelToken.CancelledAsync; its output is
// struct{}. It must be polled by one task at a time.
type CancelledFuture struct {
	t     *CancelToken
	state pendState // owned by the poller
	w     waiter    // guarded by t.mu
}

// Poll implements rt.Future.
func (f *CancelledFuture) Poll(cx *rt.Context) (struct{}, bool) {
	t := f.t
	switch f.state {
	case pendDone:
		panic("corio/syncx: CancelledFuture polled after completion")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return struct{}{}, false
		}
		if t.cancelled.Load() {
			f.state = pendDone
			return struct{}{}, true
		}
		t.mu.Lock()
		if t.cancelled.Load() {
			t.mu.Unlock()
			f.state = pendDone
			return struct{}{}, true
		}
		f.w.waker = cx.Waker()
		t.waiters.pushBack(&f.w)
		t.mu.Unlock()
		f.state = pendWaiting
		return struct{}{}, false
	}
	if !repoll(&t.mu, &f.w, cx) {
		return struct{}{}, false
	}
	f.state = pendDone
	return struct{}{}, true
}

// Cancel abandons the wait: see CancelledAsync. It is idempotent and does
// nothing for a completed future or one never polled.
func (f *CancelledFuture) Cancel() {
	if !f.state.cancel() {
		return
	}
	f.t.mu.Lock()
	withdraw(&f.t.waiters, &f.w)
	f.t.mu.Unlock()
}

// callback is one thing to do when a token is cancelled: cancel a child
// token, cancel the context Context built, or start an AfterFunc function.
type callback struct {
	child     *CancelToken            // immutable
	ctxCancel context.CancelCauseFunc // immutable
	f         func()                  // immutable
}

func (cb *callback) run() {
	switch {
	case cb.child != nil:
		cb.child.Cancel()
	case cb.ctxCancel != nil:
		cb.ctxCancel(ErrTokenCancelled)
	default:
		go cb.f()
	}
}

// callbackSet holds a token's callbacks; they run in no particular order.
// The nil set is empty (a token without children or callbacks allocates no
// map).
type callbackSet map[*callback]struct{}

func (s *callbackSet) add(cb *callback) {
	if *s == nil {
		*s = callbackSet{}
	}
	(*s)[cb] = struct{}{}
}

// remove deletes cb and reports whether it was there.
func (s callbackSet) remove(cb *callback) bool {
	_, ok := s[cb]
	delete(s, cb)
	return ok
}
