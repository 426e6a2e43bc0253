package syncx

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// Mutex is a FIFO-fair mutual exclusion lock for tasks and goroutines. The
// zero value is an unlocked mutex; a Mutex must not be copied after first
// use.
//
// The API is Go's, not a guard's: Lock (or LockAsync) then Unlock. A Mutex
// is not tied to a task or goroutine: one task may lock it and another unlock
// it, as with sync.Mutex.
//
// Fairness. Unlock hands the lock directly to the first queued waiter: the
// mutex stays locked and the waiter owns it when it next polls, so a task
// that unlocks and locks again in a loop cannot overtake a waiter, and a new
// arrival never barges ahead of the queue. The uncontended path (no waiter
// queued) is one compare-and-swap for Lock and one for Unlock, as for
// sync.Mutex; the price of the hand-off is that under contention every
// acquisition waits for the next waiter to be scheduled (a lock convoy), so
// keep critical sections short.
//
// A Mutex embeds one LockFuture, which LockAsync hands out whenever it is
// free, and keeps one spare (see LockAsync), so locking in a loop allocates
// nothing; that makes a Mutex about 130 bytes, against sync.Mutex's 8.
type Mutex struct {
	// state is mutexLocked|mutexWaiters. Outside mu only two transitions
	// happen: 0 → mutexLocked (a fast Lock) and mutexLocked → 0 (a fast
	// Unlock); every other transition is made under mu. Invariant (under
	// mu): waiters non-empty ⇒ state == mutexLocked|mutexWaiters, so a fast
	// Lock fails while anyone is queued.
	state atomic.Int32

	mu      sync.Mutex // guards waiters and the waiter nodes on it
	waiters waitList   // LockFutures waiting, first in first out

	// lockSlot is claimed while lock, the embedded future, is handed out:
	// from LockAsync until that future completes or is cancelled.
	lockSlot reuseSlot
	lock     LockFuture
	// spare is a future that LockAsync allocated while lock was out, left
	// here when it finished, for the next LockAsync that finds lock out.
	spare atomic.Pointer[LockFuture]
}

const (
	mutexLocked  = 1 << iota // someone holds the lock (or it was handed to a waiter)
	mutexWaiters             // waiters is non-empty
)

// Lock locks m, blocking the calling goroutine until the lock is available
// (direct mode of LockAsync). The uncontended path does not allocate. If it
// would have to wait on a goroutine that is driving a runtime (inside a
// task), it panics instead: use LockAsync there.
func (m *Mutex) Lock() {
	if !m.state.CompareAndSwap(0, mutexLocked) {
		m.lockSlow() // a separate function keeps Lock inlinable, as sync.Mutex's
	}
}

func (m *Mutex) lockSlow() {
	f := lockPool.get()
	f.m = m
	directAwait[struct{}](f, "Mutex.Lock", "LockAsync")
	lockPool.put(f)
}

var lockPool directPool[LockFuture]

// LockAsync returns a future that locks m: it is ready, with the lock held
// by the caller, once m was handed to it. Waiters are served first in, first
// out. The future spends one budget unit per poll.
//
// Cancel-safe: cancelling the pending future removes it from the queue, and
// if the lock had already been handed to it, unlocks (handing the lock to the
// next waiter); nothing is held afterwards.
//
// Reuse: the future is m's embedded one whenever no other future of m's is
// pending, and it is handed out again by a later LockAsync as soon as it
// completed or was cancelled. A LockAsync made while the embedded one is out
// (another wait is pending) takes the spare that such a call's future became
// when it finished, or allocates one; so only waits that overlap more than
// the finished ones make up for allocate. So poll or cancel it only until it completes or is
// cancelled (the rule of rt.Future, which rt's combinators and generated code
// follow), and do not keep it afterwards: a late Poll or Cancel through an
// old pointer would act on the next LockAsync's wait. A late Cancel is caught:
// it withdraws that wait (handing on a lock already granted to it) and wakes
// it, and the wait's next poll panics with a message naming this rule,
// instead of hanging. A late Poll is caught only when it completes the wait
// (the rightful owner's poll then panics; the late poller holds the lock and
// must unlock it); one that finds the wait still queued takes over its
// wake-up. In particular, never defer a Cancel of the future: cancel it
// only while it is pending. A future that is dropped without completing or
// being cancelled keeps the embedded one busy, so that later calls
// allocate; Cancel (free when never polled) gives it back.
func (m *Mutex) LockAsync() *LockFuture {
	if !m.lockSlot.claim() {
		return m.overflow()
	}
	f := &m.lock
	if f.m != m {
		f.m = m // first use; skipped later to spare the write barrier
	}
	f.state = pendIdle // the waiter node was left clean by the last use
	return f
}

// overflow returns m's spare future, or a new one, for a LockAsync that found
// the embedded future out.
func (m *Mutex) overflow() *LockFuture {
	if f := takeSpare(&m.spare); f != nil {
		f.state = pendIdle // its waiter node was left clean
		return f
	}
	return &LockFuture{m: m, spare: true}
}

// takeSpare takes the spare future in p, if there is one. It loads first, as
// a Swap is a locked instruction.
func takeSpare[F any](p *atomic.Pointer[F]) *F {
	if p.Load() == nil {
		return nil
	}
	return p.Swap(nil)
}

// TryLock locks m if it is unlocked and nobody is queued for it, and reports
// whether it did. It never waits.
func (m *Mutex) TryLock() bool { return m.state.CompareAndSwap(0, mutexLocked) }

// Unlock unlocks m, handing it to the first waiter if there is one (that
// waiter's task is woken). It panics if m is not locked. It never blocks and
// may be called from any goroutine or task.
func (m *Mutex) Unlock() {
	if m.state.CompareAndSwap(mutexLocked, 0) {
		return
	}
	m.unlockSlow()
}

func (m *Mutex) unlockSlow() {
	m.mu.Lock()
	if m.state.Load()&mutexLocked == 0 {
		m.mu.Unlock()
		panic("corio/syncx: Unlock of unlocked Mutex")
	}
	// Hand over: the lock stays locked and now belongs to the first waiter.
	wk, ok := notifyFront(&m.waiters)
	switch {
	case !ok:
		m.state.Store(0)
	case m.waiters.empty():
		m.state.Store(mutexLocked)
	}
	m.mu.Unlock()
	if wk != nil {
		wk.Wake()
	}
}

// LockFuture is the future of Mutex.LockAsync. Its output is struct{} (Lock
// has no result). It must be polled by one task at a time.
type LockFuture struct {
	m     *Mutex
	state pendState // owned by the poller
	// spare marks a future that LockAsync allocated (not the embedded one,
	// not a direct-mode one): finish leaves it as m's spare. Immutable.
	spare bool
	w     waiter // guarded by m.mu
}

// Poll implements rt.Future.
func (f *LockFuture) Poll(cx *rt.Context) (struct{}, bool) {
	m := f.m
	switch f.state {
	case pendDone:
		panicPolledDone("LockFuture", "Mutex.LockAsync")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return struct{}{}, false
		}
		if m.state.CompareAndSwap(0, mutexLocked) {
			f.finish()
			return struct{}{}, true
		}
		return f.lockSlow(cx)
	}
	if !repoll(&m.mu, &f.w, cx) {
		return struct{}{}, false
	}
	f.finish()
	return struct{}{}, true
}

// finish marks f done and, if LockAsync may hand it out again (m's embedded
// future or a spare), gives it back for that: f must not be touched
// afterwards. Its waiter node is clean by then (not queued, no waker, not
// notified), which is what lets LockAsync reset only the state.
func (f *LockFuture) finish() {
	m := f.m
	f.state = pendDone
	switch {
	case f == &m.lock:
		m.lockSlot.release()
	case f.spare:
		m.spare.Store(f) // a spare already there is left to the GC
	}
}

// lockSlow takes the lock under m.mu if it is free, else queues f.
func (f *LockFuture) lockSlow(cx *rt.Context) (struct{}, bool) {
	m := f.m
	m.mu.Lock()
	for {
		s := m.state.Load()
		if s&mutexLocked == 0 {
			// By the invariant nobody is queued (s == 0): take it.
			if m.state.CompareAndSwap(s, s|mutexLocked) {
				m.mu.Unlock()
				f.finish()
				return struct{}{}, true
			}
			continue // a fast Lock took it meanwhile
		}
		if m.state.CompareAndSwap(s, s|mutexWaiters) {
			break // a fast Unlock now fails and comes to mu
		}
	}
	f.w.waker = cx.Waker()
	f.w.n = 1
	m.waiters.pushBack(&f.w)
	m.mu.Unlock()
	f.state = pendWaiting
	return struct{}{}, false
}

// Cancel abandons the lock: it removes f from the queue, or, if the lock was
// already handed to f, unlocks m. Cancel does nothing for a future that
// completed (the caller then holds the lock and must Unlock), and is
// idempotent until LockAsync hands f out again (see LockAsync: then it must
// not be called).
func (f *LockFuture) Cancel() {
	if cancelUnqueued(f.state, f) {
		return
	}
	m := f.m
	m.mu.Lock()
	wk := staleWaker(&f.w, f == &m.lock || f.spare)
	granted := withdraw(&m.waiters, &f.w)
	if !granted && m.waiters.empty() {
		m.state.Store(mutexLocked) // still held by someone: clear mutexWaiters
	}
	m.mu.Unlock()
	f.finish()
	if granted {
		m.Unlock() // pass the lock on, as its owner would
	}
	if wk != nil {
		wk.Wake()
	}
}

// cancelUnqueued is the start of the Cancel of a waiting future in state s
// (f finishes it: see LockFuture.finish): it reports whether Cancel is over,
// because f completed or was cancelled before (nothing to do) or was never
// polled (it holds nothing: f is finished, which gives an embedded future
// back); false means a waiter is queued or was granted, to withdraw.
func cancelUnqueued(s pendState, f interface{ finish() }) bool {
	if s == pendWaiting {
		return false
	}
	if s == pendIdle {
		f.finish()
	}
	return true
}
