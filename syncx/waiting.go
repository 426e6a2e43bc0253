package syncx

// The machinery every waiting future of this package shares, around the
// waiter list of waitlist.go: progress states, polling and withdrawing a
// queued waiter, granting waiters in order, the direct-mode (blocking) form
// of an operation, and catching the misuse of a reused future.

import (
	"strings"
	"sync"

	"github.com/corio-go/corio/rt"
)

// Misuse of a reused future. A generation counter in the future cannot tell a
// stale pointer from the live one: the old owner and the next one hold the
// same pointer and would read the same counter; only a handle carrying its
// own copy of the generation (a value type, boxed into an rt.Future at every
// call: the allocation the reuse removes) could. What is cheap to catch is
// the damage: a late Cancel marks the future done, so the next owner's poll
// panics (panicPolledDone), and staleWaker makes sure that poll happens. A
// granted lock, permit or notification withdrawn that way is handed on as
// by any Cancel, so nothing is lost or held twice.

// staleWaker returns, for an embedded (reusable) future whose waiter w is
// still queued, the waker to wake once its Cancel has withdrawn w; nil
// otherwise. The lock guarding w must be held. A legitimate Cancel pays one
// spurious wake-up of its own task, on this path only; a Cancel through a
// stale pointer (the future was handed out again, see Mutex.LockAsync) has
// just withdrawn another task's wait, and the wake-up makes that task poll
// it and panic with panicPolledDone rather than wait forever.
func staleWaker(w *waiter, embedded bool) rt.Waker {
	if embedded && w.queued {
		return w.waker
	}
	return nil
}

// panicPolledDone is the panic of a poll after completion or Cancel; what
// names the future type and op the method that made it.
func panicPolledDone(what, op string) {
	panic("corio/syncx: " + what + " polled after it completed or was cancelled (" + op +
		" hands the same future out again once it completed or was cancelled, so a late Poll or Cancel through an old pointer breaks the next wait)")
}

// pendState is the poller-owned progress of a waiting future of this
// package. Transitions: pendIdle → pendWaiting (a poll queued its waiter) →
// pendDone (ready or cancelled); pendIdle → pendDone (ready at the first
// poll, or cancelled before any poll: it held nothing).
type pendState uint8

const (
	pendIdle    pendState = iota // not queued, holds nothing
	pendWaiting                  // its waiter is queued or was granted
	pendDone                     // completed or cancelled
)

// cancel moves s to pendDone and reports whether it was pendWaiting: whether
// the Cancel calling it has a waiter to withdraw.
func (s *pendState) cancel() (wasWaiting bool) {
	wasWaiting = *s == pendWaiting
	*s = pendDone
	return wasWaiting
}

// directPool recycles the futures of direct-mode waits, so that a blocking
// wait allocates nothing in steady state. Only directAwait's futures go
// back: they are unreachable once it returns.
type directPool[F any] struct{ p sync.Pool }

func (p *directPool[F]) get() *F {
	if f, ok := p.p.Get().(*F); ok {
		return f
	}
	return new(F)
}

func (p *directPool[F]) put(f *F) {
	var zero F
	*f = zero
	p.p.Put(f)
}

// notifyFront takes the first waiter off l, marks it notified and returns
// its waker (to wake once the lock guarding l is released); ok is false if
// l was empty.
func notifyFront(l *waitList) (wk rt.Waker, ok bool) {
	w := l.popFront()
	if w == nil {
		return nil, false
	}
	return w.notify(), true
}

// notify marks w, already off its list, notified and returns the waker to
// wake (nil'd in w: the waiter's next poll sees the grant, not a wait).
func (w *waiter) notify() rt.Waker {
	w.notified = true
	wk := w.waker
	w.waker = nil
	return wk
}

// notifyUnlock takes waiters off the front of l while take accepts the
// first one (nil take: all of them), marks each notified if grant is set —
// unset, the waiter is merely unlinked, which Semaphore's futures read as
// refused — and releases mu, which guards l and must be held. The waiters
// are woken without the lock (through cx when non-nil: the caller is
// inside a Poll); when the wake batch fills, mu is dropped to wake it and
// taken again, so take must re-check whatever it relies on, and waiters that
// queue meanwhile are seen too (a take that stops at them is how a caller
// confines the release to the waiters that were there before).
func notifyUnlock(mu *sync.Mutex, l *waitList, cx *rt.Context, grant bool, take func(w *waiter) bool) {
	var b wakeBatch
	for w := l.front(); w != nil && (take == nil || take(w)); w = l.front() {
		l.popFront()
		w.notified = grant
		wk := w.waker
		w.waker = nil
		if b.add(wk) {
			mu.Unlock()
			b.wake(cx)
			mu.Lock()
		}
	}
	mu.Unlock()
	b.wake(cx)
}

// directFuture is a future that can be abandoned: every waiting future of
// this package.
type directFuture[T any] interface {
	rt.Future[T]
	rt.Canceler
}

// directAwait is the direct mode of every waiting operation: it drives f to
// completion on the calling goroutine with rt.Await. rt.Await refuses (by
// panicking) to park a goroutine that drives a runtime; f's waiter was queued
// by then, so directAwait cancels f — nothing stays queued or granted — and
// re-panics naming the operation (op, like "Mutex.Lock") and its twin (alt).
// Any other panic is re-raised unchanged after the cancel.
func directAwait[T any](f directFuture[T], op, alt string) T {
	ok := false
	defer func() {
		if ok {
			return
		}
		f.Cancel()
		r := recover()
		if r == nil {
			return // runtime.Goexit: let it continue
		}
		if s, isStr := r.(string); isStr && strings.HasPrefix(s, "corio/rt: Await called from inside a task") {
			panic("corio/syncx: " + op + " called from inside a task on a runtime goroutine; use " + alt + " in an async function")
		}
		panic(r)
	}()
	v := rt.Await[T](f)
	ok = true
	return v
}

// repoll is the poll of a future whose waiter w was queued on a list guarded
// by mu (pendWaiting): it spends the budget unit (a queued waiter is woken by
// its grant, never by the budget, so a refusal changes nothing) and reports
// whether w was notified, consuming the notification; else it refreshes w's
// waker.
func repoll(mu *sync.Mutex, w *waiter, cx *rt.Context) (notified bool) {
	cx.ConsumeBudget()
	mu.Lock()
	if w.notified {
		w.notified = false
		mu.Unlock()
		return true
	}
	w.waker = cx.Waker()
	mu.Unlock()
	return false
}

// withdraw takes w off l if it is still queued, and otherwise reports (and
// consumes) whether it had been notified, for the caller to hand back what
// the notification granted. The lock guarding l must be held.
func withdraw(l *waitList, w *waiter) (notified bool) {
	if w.queued {
		l.remove(w)
		w.waker = nil
		return false
	}
	notified = w.notified
	w.notified = false
	return notified
}
