package syncx

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// Mutex is a mutual exclusion lock for tasks and goroutines, with bounded
// overtaking. The zero value is an unlocked mutex; a Mutex must not be
// copied after first use.
//
// The API is Go's, not a guard's: Lock (or LockAsync) then Unlock. A Mutex
// is not tied to a task or goroutine: one task may lock it and another unlock
// it, as with sync.Mutex.
//
// Fairness, as sync.Mutex's. Waiters queue first in, first out, and Unlock
// normally frees the lock and wakes the first waiter, which then competes
// for it: a locker that arrives (or locks again) before that waiter is
// scheduled may take the lock first, and the woken waiter goes back to the
// front of the queue. That keeps a contended lock busy instead of idle while
// the next waiter is being scheduled. To bound the overtaking, a waiter that
// was woken and lost the lock mutexStarveAfter (4) times switches m to
// hand-off mode: Unlock then passes the still-locked mutex directly to the
// first waiter, and nobody barges, until a waiter that had not lost that
// often (or the last one queued) takes it. So a waiter at the front of the
// queue is overtaken at most four times. The uncontended path (no waiter
// queued) is one compare-and-swap for Lock and one for Unlock, as for
// sync.Mutex, and one more for LockAsync, which claims the embedded future
// (below) in the same word.
//
// A Mutex embeds one LockFuture, which LockAsync hands out whenever it is
// free, and keeps one spare (see LockAsync), so locking in a loop allocates
// nothing; that makes a Mutex about 130 bytes, against sync.Mutex's 8.
type Mutex struct {
	// state is mutexLocked|mutexWaiters|mutexLent|mutexStarving. mutexLent is set while
	// lock, the embedded future, is handed out: from LockAsync until that
	// future completes or is cancelled; keeping it in this word lets the
	// embedded future's uncontended poll take the lock and give itself back
	// in one compare-and-swap (mutexLent → mutexLocked).
	//
	// Outside mu, mutexLocked is set only while mutexLocked|mutexStarving
	// is clear (a fast Lock, a barging poll) and cleared only while
	// mutexWaiters|mutexStarving is clear (a fast Unlock); mutexLent is set
	// and cleared at any time (LockAsync, the embedded future's finish).
	// Every change of mutexWaiters and mutexStarving, and a hand-over's, is
	// made under mu, with compare-and-swap or And so that a concurrent
	// change of mutexLent is kept. Invariants (under mu): waiters non-empty
	// ⇔ mutexWaiters; mutexStarving ⇒ mutexLocked.
	state atomic.Int32

	mu      sync.Mutex // guards waiters and the waiter nodes on it
	waiters waitList   // LockFutures waiting, first in first out

	lock LockFuture // handed out by LockAsync while mutexLent is set
	// spare is a future that LockAsync allocated while lock was out, left
	// here when it finished, for the next LockAsync that finds lock out.
	spare atomic.Pointer[LockFuture]
}

const (
	mutexLocked   = 1 << iota // someone holds the lock (or it was handed to a waiter)
	mutexWaiters              // waiters is non-empty
	mutexLent                 // the embedded future is handed out
	mutexStarving             // hand-off mode: Unlock passes the lock to the first waiter

	// mutexStarveAfter is how many times a woken waiter may find the lock
	// taken before it switches the mutex to hand-off mode.
	mutexStarveAfter = 4
)

// mutexAlwaysHandOff keeps every Mutex in hand-off mode; the tests set it to
// explore that mode against a strict FIFO model.
var mutexAlwaysHandOff = false

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
	if m.TryLock() { // only mutexLent was set
		return
	}
	f := lockPool.get()
	f.m = m
	directAwait[struct{}](f, "Mutex.Lock", "LockAsync")
	lockPool.put(f)
}

var lockPool directPool[LockFuture]

// LockAsync returns a future that locks m: it is ready, with the lock held
// by the caller, once it took m or m was handed to it. Waiters queue first
// in, first out; a woken waiter may be overtaken (see Mutex for the bound).
// The future spends one budget unit per poll.
//
// Cancel-safe: cancelling the pending future removes it from the queue; if
// the lock had already been handed to it, it unlocks (handing the lock to
// the next waiter), and if it had been woken to compete, it wakes the next
// waiter; nothing is held afterwards.
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
// allocate; Cancel (free when never polled) gives it back. MakeLock's
// future is never handed out again, and claims nothing.
func (m *Mutex) LockAsync() *LockFuture {
	if s := m.state.Load(); s&mutexLent != 0 || !m.state.CompareAndSwap(s, s|mutexLent) {
		return m.lendSlow()
	}
	return m.lent()
}

// lent prepares the embedded future, just claimed (mutexLent set), for a new
// wait and returns it.
func (m *Mutex) lent() *LockFuture {
	f := &m.lock
	if f.m != m {
		f.m = m // first use; skipped later to spare the write barrier
	}
	f.state = pendIdle // the waiter node was left clean by the last use
	return f
}

// lendSlow is LockAsync after its compare-and-swap failed: it claims the
// embedded future if it is free (the state changed under the first try), or
// returns m's spare future or a new one.
func (m *Mutex) lendSlow() *LockFuture {
	for {
		s := m.state.Load()
		if s&mutexLent != 0 {
			break
		}
		if m.state.CompareAndSwap(s, s|mutexLent) {
			return m.lent()
		}
	}
	if f := takeSpare(&m.spare); f != nil {
		f.state = pendIdle // its waiter node was left clean
		return f
	}
	return &LockFuture{m: m, spare: true}
}

// MakeLock returns LockAsync's future by value, for a caller that keeps it
// in its own state and polls it there — a hand-written future, or generated
// code once asyncgen holds other packages' futures inline. Nothing is
// claimed or allocated, so an uncontended MakeLock, poll and Unlock cost two
// atomic operations, as sync.Mutex's Lock and Unlock do. The future behaves
// as LockAsync's (bounded overtaking, cancel-safe, one budget unit per
// poll) and is the caller's alone: no later call hands it out again. It may be copied until
// its first poll, not after (its waiter node is linked into m's queue while
// it waits). Cancel of the zero LockFuture does nothing.
func (m *Mutex) MakeLock() LockFuture { return LockFuture{m: m} }

// takeSpare takes the spare future in p, if there is one. It loads first, as
// a Swap is a locked instruction.
func takeSpare[F any](p *atomic.Pointer[F]) *F {
	if p.Load() == nil {
		return nil
	}
	return p.Swap(nil)
}

// TryLock locks m if it is unlocked and not in hand-off mode (see Mutex),
// and reports whether it did. It never waits.
func (m *Mutex) TryLock() bool {
	for {
		s := m.state.Load()
		if s&(mutexLocked|mutexStarving) != 0 {
			return false
		}
		if m.state.CompareAndSwap(s, s|mutexLocked) {
			return true
		}
	}
}

// Unlock unlocks m and wakes the first waiter if there is one; in hand-off
// mode (see Mutex) it passes the lock to that waiter instead. It panics if m
// is not locked. It never blocks and may be called from any goroutine or
// task.
func (m *Mutex) Unlock() {
	if m.state.CompareAndSwap(mutexLocked, 0) {
		return
	}
	m.unlockSlow()
}

func (m *Mutex) unlockSlow() {
	for { // without mu while nobody waits (mutexLent was set)
		s := m.state.Load()
		if s&mutexLocked == 0 {
			panic("corio/syncx: Unlock of unlocked Mutex")
		}
		if s&(mutexWaiters|mutexStarving) != 0 {
			break
		}
		if m.state.CompareAndSwap(s, s&^mutexLocked) {
			return
		}
	}
	m.mu.Lock()
	// mutexWaiters and mutexStarving only change under mu, and mutexLocked
	// does not change while either is set.
	w := m.waiters.popFront()
	var wk rt.Waker
	if w != nil {
		wk = w.notify()
	}
	clear := int32(0)
	if m.waiters.empty() {
		clear |= mutexWaiters
	}
	if w != nil && (m.state.Load()&mutexStarving != 0 || mutexAlwaysHandOff) {
		// Hand over: the lock stays locked and now belongs to w. Leave
		// hand-off mode once a waiter that was not starved gets it.
		w.handed = true
		if w.losses < mutexStarveAfter || m.waiters.empty() {
			clear |= mutexStarving
		}
	} else {
		// Free the lock; w, woken, competes for it.
		clear |= mutexLocked | mutexStarving
	}
	m.state.And(^clear)
	m.mu.Unlock()
	if wk != nil {
		wk.Wake()
	}
}

// wakeFirst wakes the first waiter to compete for the lock if the lock is
// free: a woken waiter that is cancelled passes its turn on, so that queued
// waiters are not left asleep behind a free lock.
func (m *Mutex) wakeFirst() {
	m.mu.Lock()
	var wk rt.Waker
	if m.state.Load()&mutexLocked == 0 {
		var ok bool
		if wk, ok = notifyFront(&m.waiters); ok && m.waiters.empty() {
			m.state.And(^mutexWaiters)
		}
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
	if f.state != pendIdle {
		return f.repoll(cx)
	}
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return struct{}{}, false
	}
	m := f.m
	if f == &m.lock {
		// Lock and give f back in one step: f is done before the swap,
		// since a LockAsync may hand it out again right after.
		f.state = pendDone
		if m.state.CompareAndSwap(mutexLent, mutexLocked) {
			return struct{}{}, true
		}
		f.state = pendIdle
	} else if m.state.CompareAndSwap(0, mutexLocked) {
		f.finish()
		return struct{}{}, true
	}
	return f.lockSlow(cx)
}

// repoll is Poll after the first (pendWaiting), or after completion or
// Cancel (pendDone: a misuse, which panics). It is out of Poll to keep the
// uncontended path short. A waiter that Unlock woke competes for the lock
// here; one that loses goes back to the front of the queue.
func (f *LockFuture) repoll(cx *rt.Context) (struct{}, bool) {
	if f.state == pendDone {
		panicPolledDone("LockFuture", "Mutex.LockAsync")
	}
	cx.ConsumeBudget()
	m, w := f.m, &f.w
	m.mu.Lock()
	if !w.notified {
		w.waker = cx.Waker()
		m.mu.Unlock()
		return struct{}{}, false
	}
	w.notified = false
	if w.handed {
		w.handed, w.losses = false, 0
		m.mu.Unlock()
		f.finish()
		return struct{}{}, true
	}
	if w.losses < mutexStarveAfter {
		w.losses++
	}
	for {
		s := m.state.Load()
		if s&mutexLocked == 0 { // mutexStarving is clear too
			if m.state.CompareAndSwap(s, s|mutexLocked) {
				w.losses = 0
				m.mu.Unlock()
				f.finish()
				return struct{}{}, true
			}
			continue
		}
		ns := s | mutexWaiters
		if w.losses >= mutexStarveAfter {
			ns |= mutexStarving
		}
		if m.state.CompareAndSwap(s, ns) {
			break // the holder's Unlock now comes to mu
		}
	}
	w.waker = cx.Waker()
	m.waiters.pushFront(w)
	m.mu.Unlock()
	return struct{}{}, false
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
		m.state.And(^mutexLent)
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
		if s&(mutexLocked|mutexStarving) == 0 {
			// Free and not in hand-off mode: take it, ahead of any waiter
			// that was woken and has not polled yet.
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
	f.w.losses = 0
	m.waiters.pushBack(&f.w)
	m.mu.Unlock()
	f.state = pendWaiting
	return struct{}{}, false
}

// Cancel abandons the lock: it removes f from the queue, or, if the lock was
// already handed to f, unlocks m; a waiter woken to compete passes its turn
// to the next. Cancel does nothing for a future that
// completed (the caller then holds the lock and must Unlock), and is
// idempotent until LockAsync hands f out again (see LockAsync: then it must
// not be called).
func (f *LockFuture) Cancel() {
	if f.m == nil { // the zero LockFuture: made by no call
		return
	}
	if cancelUnqueued(f.state, f) {
		return
	}
	m := f.m
	m.mu.Lock()
	wk := staleWaker(&f.w, f == &m.lock || f.spare)
	granted := withdraw(&m.waiters, &f.w)
	handed := f.w.handed
	f.w.handed, f.w.losses = false, 0
	if !granted && m.waiters.empty() {
		m.state.And(^mutexWaiters)
	}
	m.mu.Unlock()
	f.finish()
	switch {
	case granted && handed:
		m.Unlock() // pass the lock on, as its owner would
	case granted:
		m.wakeFirst()
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
