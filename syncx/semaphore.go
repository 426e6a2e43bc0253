package syncx

import (
	"sync"

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
type Semaphore struct {
	s sema
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
	f.sw = semaWait{s: &s.s, n: n}
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
func (s *Semaphore) AcquireAsync(n int) *AcquireFuture {
	if n < 0 {
		panic("corio/syncx: Semaphore.AcquireAsync with negative n")
	}
	return &AcquireFuture{sw: semaWait{s: &s.s, n: n}}
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
	granted, ready := f.sw.poll(cx)
	if !ready {
		return nil, false
	}
	if !granted {
		return ErrSemaphoreClosed, true
	}
	return nil, true
}

// Cancel abandons the acquisition: see AcquireAsync. It is idempotent and
// does nothing for a completed future (its permits belong to the caller) or
// one never polled.
func (f *AcquireFuture) Cancel() { f.sw.cancel() }

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
	n     int       // immutable: permits asked for
	base  int       // immutable: s's base (see sema)
	state pendState // owned by the poller
	w     waiter    // guarded by s.mu
}

// poll advances the acquisition: ready reports completion, granted whether
// it got its permits (false: the semaphore was closed).
func (sw *semaWait) poll(cx *rt.Context) (granted, ready bool) {
	s := sw.s
	switch sw.state {
	case pendDone:
		panic("corio/syncx: semaphore future polled after completion")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return false, false
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			sw.state = pendDone
			return false, true
		}
		if s.waiters.empty() && sw.n <= s.permits+sw.base {
			s.permits -= sw.n
			s.mu.Unlock()
			sw.state = pendDone
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
	sw.state = pendDone
	return granted, true
}

// cancel withdraws the acquisition and releases what was assigned to it.
func (sw *semaWait) cancel() {
	if !sw.state.cancel() {
		return
	}
	s := sw.s
	s.mu.Lock()
	switch {
	case sw.w.queued:
		head := s.waiters.front() == &sw.w
		s.waiters.remove(&sw.w)
		sw.w.waker = nil
		if head && !s.waiters.empty() {
			s.grantAndUnlock(sw.base) // the next may fit where this one did not
			return
		}
	case sw.w.notified:
		sw.w.notified = false
		s.permits += sw.n
		if !s.waiters.empty() {
			s.grantAndUnlock(sw.base)
			return
		}
	}
	s.mu.Unlock()
}
