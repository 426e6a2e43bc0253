package syncx

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// Semaphore is a FIFO counting semaphore: a pool of permits that tasks and
// goroutines acquire (any number at once) and release. The zero value has
// no permits and is open; NewSemaphore gives it some.
//
// Waiters are served strictly first in, first out: while the first waiter
// asks for more permits than are available, later waiters wait too, even
// those that would fit — a large request is never starved by a stream of
// small ones. Acquisitions never barge: TryAcquire and a new Acquire succeed
// at once only when nobody is queued.
//
// Close refuses every pending and later acquisition with an error that
// matches ErrClosed; Release still returns permits to the count.
//
// The semaphore does not know a maximum: Release may add permits that were
// never acquired, and an acquisition of more permits than will ever be
// available waits (blocking the queue behind it) until it is cancelled or
// the semaphore is closed.
//
// A Semaphore embeds one AcquireFuture, which AcquireAsync hands out whenever
// it is free, and keeps one spare (see AcquireAsync), so acquiring in a loop
// allocates nothing.
type Semaphore struct {
	s   sema
	acq AcquireFuture // the embedded future; s.slot says when it is handed out
}

// ErrSemaphoreClosed is what an acquisition of a closed Semaphore returns.
// errors.Is(ErrSemaphoreClosed, ErrClosed) holds, so one check covers a
// closed channel and a closed semaphore.
var ErrSemaphoreClosed error = semaphoreClosedError{}

type semaphoreClosedError struct{}

func (semaphoreClosedError) Error() string { return "corio/syncx: semaphore closed" }

// Is makes errors.Is(err, ErrClosed) hold.
func (semaphoreClosedError) Is(target error) bool { return target == ErrClosed }

// NewSemaphore returns an open semaphore holding permits permits.
func NewSemaphore(permits int) *Semaphore {
	if permits < 0 {
		panic("corio/syncx: NewSemaphore with negative permits")
	}
	s := &Semaphore{}
	s.s.permits = permits
	return s
}

// Acquire acquires n permits, blocking the calling goroutine until they are
// available (direct mode of AcquireAsync). It returns nil, or
// ErrSemaphoreClosed (holding nothing) if s is or gets closed first. It
// panics if n < 0, and if it would have to wait on a goroutine that drives a
// runtime (use AcquireAsync there).
func (s *Semaphore) Acquire(n int) error {
	if s.TryAcquire(n) {
		return nil
	}
	f := acquirePool.get()
	*f = s.MakeAcquire(n)
	err := directAwait[error](f, "Semaphore.Acquire", "AcquireAsync")
	acquirePool.put(f)
	return err
}

var acquirePool directPool[AcquireFuture]

// AcquireAsync returns a future that acquires n permits: it is ready with nil
// once they were assigned to it, or with ErrSemaphoreClosed if s was closed
// first. It panics if n < 0. The future spends one budget unit per poll.
//
// Cancel-safe: cancelling the pending future removes it from the queue
// (letting smaller requests behind it proceed), and permits already assigned
// to it are released to the next waiters; nothing is lost.
//
// Reuse: the future is s's embedded one whenever no other AcquireAsync
// future of s's is pending, and it is handed out again as soon as it
// completed or was cancelled; an acquisition made while it is out takes the
// spare that such an acquisition's future became when it finished, or
// allocates one (see Mutex.LockAsync). So poll
// or cancel it only until it completes or is cancelled (the rule of
// rt.Future) and do not keep it afterwards; see Mutex.LockAsync for what a
// late Poll or Cancel through an old pointer does and how it is caught. A
// future dropped without completing or being cancelled keeps the embedded
// one busy (later calls allocate); Cancel gives it back.
func (s *Semaphore) AcquireAsync(n int) *AcquireFuture {
	if n < 0 {
		panic("corio/syncx: Semaphore.AcquireAsync with negative n")
	}
	if !s.s.slot.claim() {
		if f := takeSpare(&s.s.spareAcq); f != nil {
			f.sw.n, f.sw.state = n, pendIdle // its waiter node was left clean
			return f
		}
		return &AcquireFuture{sw: semaWait{s: &s.s, n: n, spare: true}}
	}
	s.acq.sw.reset(&s.s, n, 0)
	return &s.acq
}

// MakeAcquire returns AcquireAsync's future by value, for a caller that
// keeps it in its own state and polls it there (see Mutex.MakeLock): it
// claims no embedded future, which saves AcquireAsync's two atomic
// operations, and it is the caller's alone. It may be copied until its
// first poll, not after. It panics if n < 0. Cancel of the zero
// AcquireFuture does nothing.
func (s *Semaphore) MakeAcquire(n int) AcquireFuture {
	if n < 0 {
		panic("corio/syncx: Semaphore.MakeAcquire with negative n")
	}
	return AcquireFuture{sw: semaWait{s: &s.s, n: n}}
}

// TryAcquire acquires n permits if they are available and nobody is queued,
// and reports whether it did. It never waits, and fails on a closed
// semaphore.
func (s *Semaphore) TryAcquire(n int) bool {
	if n < 0 {
		panic("corio/syncx: Semaphore.TryAcquire with negative n")
	}
	return s.s.tryAcquire(n, 0)
}

// Release returns n permits, assigning them to queued waiters in order (they
// are woken). It panics if n < 0. It never blocks.
func (s *Semaphore) Release(n int) {
	if n < 0 {
		panic("corio/syncx: Semaphore.Release with negative n")
	}
	s.s.release(n, 0)
}

// Close closes s: every queued acquisition completes with ErrSemaphoreClosed
// and so does every later one. Permits already assigned stay with their
// holders, who may still Release them. Close is idempotent.
func (s *Semaphore) Close() { s.s.close() }

// Available returns the number of permits not held or assigned now.
func (s *Semaphore) Available() int {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	return s.s.permits
}

// AcquireFuture is the future of Semaphore.AcquireAsync; its output is nil
// or ErrSemaphoreClosed. It must be polled by one task at a time.
type AcquireFuture struct {
	sw semaWait
}

// Poll implements rt.Future.
func (f *AcquireFuture) Poll(cx *rt.Context) (error, bool) {
	s, spare := f.sw.s, f.sw.spare // read first: finish may give f away
	granted, ready := f.sw.poll(cx)
	if !ready {
		return nil, false
	}
	if spare {
		s.spareAcq.Store(f) // a spare already there is left to the GC
	}
	if !granted {
		return ErrSemaphoreClosed, true
	}
	return nil, true
}

// Cancel abandons the acquisition: see AcquireAsync. It does nothing for a
// completed future (its permits belong to the caller) or one never polled,
// and is idempotent until AcquireAsync hands f out again.
func (f *AcquireFuture) Cancel() {
	s, spare := f.sw.s, f.sw.spare // read first: finish may give f away
	if f.sw.cancel() && spare {
		s.spareAcq.Store(f)
	}
}

// sema is the FIFO permit pool under Semaphore and RwLock.
//
// Its permit count is offset by a base that the caller passes to every
// method: the pool has permits+base permits available. Semaphore's base is
// 0; RwLock's is rwMaxReaders, so that its zero value (permits 0) is an
// unlocked lock.
type sema struct {
	mu      sync.Mutex
	permits int      // guarded by mu: available permits, minus base
	closed  bool     // guarded by mu: refuse every acquisition
	waiters waitList // guarded by mu: semaWaits in arrival order

	// slot is claimed while the owner's embedded future (Semaphore.acq,
	// RwLock.fut) is handed out, until it completes or is cancelled.
	slot reuseSlot
	// spareAcq (Semaphore) or spareRw (RwLock) is a future that an
	// acquisition allocated while the embedded one was out, left there when
	// it finished, for the next acquisition that finds the embedded one out.
	spareAcq atomic.Pointer[AcquireFuture]
	spareRw  atomic.Pointer[RwLockFuture]
}

// tryAcquire takes n permits if nobody is queued and they are available.
func (s *sema) tryAcquire(n, base int) bool {
	s.mu.Lock()
	ok := !s.closed && s.waiters.empty() && n <= s.permits+base
	if ok {
		s.permits -= n
	}
	s.mu.Unlock()
	return ok
}

// release adds n permits and assigns them to waiters in order.
func (s *sema) release(n, base int) {
	s.mu.Lock()
	s.permits += n
	if s.waiters.empty() {
		s.mu.Unlock()
		return
	}
	s.grantAndUnlock(base)
}

// grantAndUnlock assigns available permits to waiters from the front, while
// the first fits, then releases s.mu and wakes them. s.mu must be held.
func (s *sema) grantAndUnlock(base int) {
	notifyUnlock(&s.mu, &s.waiters, nil, true, func(w *waiter) bool {
		if w.n > s.permits+base {
			return false
		}
		s.permits -= w.n
		return true
	})
}

// close refuses every waiter: it unlinks them without a grant, which their
// futures read as "closed".
func (s *sema) close() {
	s.mu.Lock()
	s.closed = true
	notifyUnlock(&s.mu, &s.waiters, nil, false, nil)
}

// semaWait is one acquisition of n permits from s: the state machine of
// AcquireFuture and of RwLock's futures.
//
// Its waiter's state, under s.mu, says how a queued acquisition ended:
// notified — the permits were assigned to it; neither queued nor notified
// after being queued — Close refused it.
type semaWait struct {
	s     *sema
	n     int       // immutable while handed out: permits asked for
	base  int       // immutable while handed out: s's base (see sema)
	state pendState // owned by the poller
	// embedded marks the owner's embedded future, whose s.slot finish
	// releases; spare, a future that the Async method allocated, which its
	// wrapper leaves as s's spare once finished. Both immutable.
	embedded, spare bool
	w               waiter // guarded by s.mu
}

// reset prepares the embedded semaWait, just claimed through s.slot, for an
// acquisition of n permits. Its waiter node was left clean (not queued, no
// waker, not notified) by the last use, so only these fields are written,
// and s only the first time (sparing the write barrier).
func (sw *semaWait) reset(s *sema, n, base int) {
	if sw.s != s {
		sw.s = s
	}
	sw.n, sw.base, sw.state, sw.embedded = n, base, pendIdle, true
}

// finish marks sw done and, if it is the embedded future, frees it for the
// next acquisition: sw must not be touched afterwards.
func (sw *semaWait) finish() {
	sw.state = pendDone
	if sw.embedded {
		sw.s.slot.release()
	}
}

// poll advances the acquisition: ready reports completion, granted whether
// it got its permits (false: the semaphore was closed).
func (sw *semaWait) poll(cx *rt.Context) (granted, ready bool) {
	s := sw.s
	switch sw.state {
	case pendDone:
		if sw.base != 0 {
			panicPolledDone("RwLockFuture", "RwLock.LockAsync or RLockAsync")
		}
		panicPolledDone("AcquireFuture", "Semaphore.AcquireAsync")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return false, false
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			sw.finish()
			return false, true
		}
		if s.waiters.empty() && sw.n <= s.permits+sw.base {
			s.permits -= sw.n
			s.mu.Unlock()
			sw.finish()
			return true, true
		}
		sw.w.n = sw.n
		sw.w.waker = cx.Waker()
		s.waiters.pushBack(&sw.w)
		s.mu.Unlock()
		sw.state = pendWaiting
		return false, false
	}
	cx.ConsumeBudget() // a queued waiter is woken by its grant, not by the budget
	s.mu.Lock()
	switch {
	case sw.w.notified:
		sw.w.notified = false
		granted = true
	case sw.w.queued:
		sw.w.waker = cx.Waker()
		s.mu.Unlock()
		return false, false
	}
	s.mu.Unlock()
	sw.finish()
	return granted, true
}

// cancel withdraws the acquisition and releases what was assigned to it. It
// reports whether it finished sw (false: sw had finished before).
func (sw *semaWait) cancel() bool {
	if sw.state == pendDone {
		return false
	}
	if cancelUnqueued(sw.state, sw) {
		return true
	}
	s, n, base := sw.s, sw.n, sw.base
	s.mu.Lock()
	wk := staleWaker(&sw.w, sw.embedded || sw.spare)
	regrant := false
	switch {
	case sw.w.queued:
		head := s.waiters.front() == &sw.w
		s.waiters.remove(&sw.w)
		sw.w.waker = nil
		regrant = head && !s.waiters.empty() // the next may fit where this one did not
	case sw.w.notified:
		sw.w.notified = false
		s.permits += n
		regrant = !s.waiters.empty()
	}
	// Finish under the lock: once s.mu is released for the re-grant, the
	// embedded future may be claimed again, and sw must not be touched.
	sw.finish()
	if regrant {
		s.grantAndUnlock(base)
	} else {
		s.mu.Unlock()
	}
	if wk != nil {
		wk.Wake()
	}
	return true
}
