package syncx

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// Notify wakes tasks or goroutines waiting for an event that carries no
// data. The zero value is ready to use; a Notify must not be copied after
// first use.
//
// NotifyOne wakes the first waiter; when nobody waits it stores one permit
// (at most one: notifications do not add up), which the next Notified
// consumes at once, so a notification sent just before the receiver starts
// waiting is not lost. NotifyWaiters wakes every current waiter and stores
// nothing.
//
// A future from NotifiedAsync sees every NotifyWaiters made after it was
// created, even before its first poll, which makes this pattern free of lost
// wake-ups:
//
//	f := n.NotifiedAsync()   // 1. create
//	if !condition() {        // 2. check
//		rt.Await(f)          // 3. wait: a NotifyWaiters after 1 completes it
//	}
//
// The future holds nothing until it is polled: the creation only records
// how many NotifyWaiters calls had happened. If the condition holds and f is
// not awaited, cancel it (f.Cancel(), free for a future never polled): a
// Notify embeds one future, which NotifiedAsync hands out whenever it is
// free, and an abandoned one stays taken, so that later calls allocate.
type Notify struct {
	// waitersCalls counts NotifyWaiters calls; written under mu, read
	// atomically by NotifiedAsync.
	waitersCalls atomic.Uint64

	mu      sync.Mutex
	permit  bool     // guarded by mu: a NotifyOne found nobody waiting
	waiters waitList // guarded by mu: NotifiedFutures in arrival order; see notifiedByOne for their n

	// slot is claimed while fut, the embedded future, is handed out: from
	// NotifiedAsync until it completes or is cancelled.
	slot reuseSlot
	fut  NotifiedFuture
}

// NotifyOne wakes the first waiter, or, if nobody waits, stores a permit for
// the next Notified (a second NotifyOne before that is absorbed). It never
// blocks.
func (n *Notify) NotifyOne() {
	n.mu.Lock()
	if w := n.waiters.front(); w != nil {
		w.n = notifiedByOne
	}
	wk, ok := notifyFront(&n.waiters)
	if !ok {
		n.permit = true
	}
	n.mu.Unlock()
	if wk != nil {
		wk.Wake()
	}
}

// NotifyWaiters wakes every waiter queued now, and every NotifiedAsync
// future created before this call that has not completed; it stores no
// permit. It never blocks.
func (n *Notify) NotifyWaiters() {
	n.mu.Lock()
	call := int(n.waitersCalls.Add(1))
	// Waiters that queue while a full wake batch is woken carry the new
	// call count (n, the calls they saw), which stops the release there.
	notifyUnlock(&n.mu, &n.waiters, nil, true, func(w *waiter) bool {
		if w.n >= call {
			return false
		}
		w.n = notifiedByAll
		return true
	})
}

// A queued waiter's n is the count of NotifyWaiters calls when it queued;
// once notified, its n says how (under Notify.mu).
const (
	notifiedByOne = -1 // NotifyOne: a notification to hand back if cancelled
	notifiedByAll = -2 // NotifyWaiters: nothing to hand back
)

// Notified blocks the calling goroutine until it is notified (direct mode of
// NotifiedAsync), consuming a stored permit if there is one. It panics
// instead if it would have to wait on a goroutine that drives a runtime.
func (n *Notify) Notified() {
	f := notifiedPool.get()
	f.n, f.calls = n, n.waitersCalls.Load()
	directAwait[struct{}](f, "Notify.Notified", "NotifiedAsync")
	notifiedPool.put(f)
}

var notifiedPool directPool[NotifiedFuture]

// NotifiedAsync returns a future that is ready once it is notified: by a
// stored permit (consumed at its first poll), by NotifyOne while it waits,
// or by NotifyWaiters after the future was created. It spends one budget
// unit per poll.
//
// Cancel-safe: cancelling the pending future removes it from the queue; if a
// NotifyOne had already picked it, the notification passes to the next
// waiter, or is stored as the permit if nobody waits, so it is not lost.
//
// Reuse: the future is n's embedded one whenever no other NotifiedAsync
// future of n's is pending, and it is handed out again as soon as it
// completed or was cancelled; only concurrent waiters allocate. So poll or
// cancel it only until it completes or is cancelled (the rule of rt.Future)
// and do not keep it afterwards; see Mutex.LockAsync for what a late Poll or
// Cancel through an old pointer does and how it is caught.
func (n *Notify) NotifiedAsync() *NotifiedFuture {
	if !n.slot.claim() {
		return &NotifiedFuture{n: n, calls: n.waitersCalls.Load()}
	}
	f := &n.fut
	if f.n != n {
		f.n = n // first use; skipped later to spare the write barrier
	}
	// The waiter node was left clean (not queued, no waker, not notified)
	// by the last use.
	f.calls, f.state = n.waitersCalls.Load(), pendIdle
	return f
}

// NotifiedFuture is the future of Notify.NotifiedAsync; its output is
// struct{}. It must be polled by one task at a time.
type NotifiedFuture struct {
	n     *Notify
	calls uint64    // immutable: NotifyWaiters calls before the future existed
	state pendState // owned by the poller
	w     waiter    // guarded by n.mu
}

// Poll implements rt.Future.
func (f *NotifiedFuture) Poll(cx *rt.Context) (struct{}, bool) {
	n := f.n
	switch f.state {
	case pendDone:
		panicPolledDone("NotifiedFuture", "Notify.NotifiedAsync")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return struct{}{}, false
		}
		n.mu.Lock()
		if n.permit || n.waitersCalls.Load() != f.calls {
			if n.waitersCalls.Load() == f.calls {
				n.permit = false // consumed; a NotifyWaiters since creation leaves it
			}
			n.mu.Unlock()
			f.finish()
			return struct{}{}, true
		}
		f.w.n = int(f.calls)
		f.w.waker = cx.Waker()
		n.waiters.pushBack(&f.w)
		n.mu.Unlock()
		f.state = pendWaiting
		return struct{}{}, false
	}
	if !repoll(&n.mu, &f.w, cx) {
		return struct{}{}, false
	}
	f.finish()
	return struct{}{}, true
}

// finish marks f done and, if it is n's embedded future, frees it for the
// next NotifiedAsync: f must not be touched afterwards.
func (f *NotifiedFuture) finish() {
	n := f.n
	f.state = pendDone
	if f == &n.fut {
		n.slot.release()
	}
}

// Cancel abandons the wait: see NotifiedAsync. It does nothing for a
// completed future or one never polled, and is idempotent until
// NotifiedAsync hands f out again.
func (f *NotifiedFuture) Cancel() {
	if cancelUnqueued(f.state, f) {
		return
	}
	n := f.n
	n.mu.Lock()
	wk := staleWaker(&f.w, f == &n.fut)
	handBack := withdraw(&n.waiters, &f.w) && f.w.n == notifiedByOne
	n.mu.Unlock()
	f.finish()
	if handBack {
		n.NotifyOne()
	}
	if wk != nil {
		wk.Wake()
	}
}
