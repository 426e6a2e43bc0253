package syncx

import "github.com/corio-go/corio/rt"

// RwLock is a fair, write-preferring reader/writer lock for tasks and
// goroutines: any number of readers or one writer hold it. The zero value is
// unlocked; an RwLock must not be copied after first use.
//
// It is a FIFO semaphore of rwMaxReaders permits: a reader takes one, a
// writer all of them. Waiters are served in arrival order, so once a writer
// waits, readers that arrive after it wait behind it (write-preferring: a
// stream of readers cannot starve a writer), and when the writer unlocks,
// the readers queued behind it are let in together up to the next queued
// writer (readers cannot starve either). Unlike Mutex, the lock is always
// handed to waiters directly; nothing barges ahead of the queue.
//
// As with sync.RWMutex, a read lock is not reentrant: a holder that read-locks
// again while a writer waits deadlocks, since the second RLock queues behind
// the writer, which waits for the first.
//
// An RwLock embeds one RwLockFuture, shared by RLockAsync and LockAsync and
// handed out whenever it is free, and keeps one spare (see RLockAsync), so
// locking in a loop allocates nothing.
type RwLock struct {
	s   sema
	fut RwLockFuture // the embedded future; s.slot says when it is handed out
}

// rwMaxReaders bounds the readers holding an RwLock at once (a writer takes
// all of them); large enough never to be reached in practice.
const rwMaxReaders = 1 << 30

// RLock locks rw for reading, blocking the calling goroutine until it can
// (direct mode of RLockAsync). It panics instead if it would have to wait on
// a goroutine that drives a runtime.
func (rw *RwLock) RLock() { rw.lockDirect(1, "RwLock.RLock", "RLockAsync") }

// RLockAsync returns a future that locks rw for reading; it spends one budget
// unit per poll.
//
// Cancel-safe: cancelling the pending future removes it from the queue, and
// a read lock already handed to it is released (letting a waiting writer
// in); nothing is held afterwards.
//
// Reuse: the future is rw's embedded one (shared with LockAsync) whenever no
// other future of rw's is pending, and it is handed out again as soon as it
// completed or was cancelled; a wait made while it is out takes the spare
// that such a wait's future became when it finished, or allocates one. So
// poll or cancel it only until it completes or is cancelled (the rule of
// rt.Future) and do not keep it afterwards; see Mutex.LockAsync for what a
// late Poll or Cancel through an old pointer does and how it is caught. A
// future dropped without completing or being cancelled keeps the embedded
// one busy (later calls allocate); Cancel gives it back.
func (rw *RwLock) RLockAsync() *RwLockFuture { return rw.future(1) }

// TryRLock locks rw for reading if no writer holds it and nobody is queued,
// and reports whether it did.
func (rw *RwLock) TryRLock() bool { return rw.s.tryAcquire(1, rwMaxReaders) }

// RUnlock releases one read lock. It panics if rw is not read-locked.
func (rw *RwLock) RUnlock() { rw.release(1, "corio/syncx: RUnlock of unlocked RwLock") }

// Lock locks rw for writing, blocking the calling goroutine until every
// holder has left (direct mode of LockAsync). It panics instead if it would
// have to wait on a goroutine that drives a runtime.
func (rw *RwLock) Lock() { rw.lockDirect(rwMaxReaders, "RwLock.Lock", "LockAsync") }

// LockAsync returns a future that locks rw for writing; it spends one budget
// unit per poll.
//
// Cancel-safe: cancelling the pending future removes it from the queue (the
// readers queued behind it may then proceed), and a write lock already
// handed to it is released; nothing is held afterwards.
//
// Reuse: as for RLockAsync, the future may be rw's embedded one; poll or
// cancel it only until it completes or is cancelled.
func (rw *RwLock) LockAsync() *RwLockFuture { return rw.future(rwMaxReaders) }

// TryLock locks rw for writing if nobody holds it and nobody is queued, and
// reports whether it did.
func (rw *RwLock) TryLock() bool { return rw.s.tryAcquire(rwMaxReaders, rwMaxReaders) }

// Unlock releases the write lock. It panics if rw is not write-locked (as far
// as it can tell: with readers inside it panics; an RUnlock of a write lock
// is not detected).
func (rw *RwLock) Unlock() {
	rw.release(rwMaxReaders, "corio/syncx: Unlock of RwLock not locked for writing")
}

// MakeRLock returns RLockAsync's future by value, and MakeLock LockAsync's,
// for a caller that keeps it in its own state and polls it there (see
// Mutex.MakeLock): no embedded future is claimed, which saves two atomic
// operations, and the future is the caller's alone. It may be copied until
// its first poll, not after. Cancel of the zero RwLockFuture does nothing.
func (rw *RwLock) MakeRLock() RwLockFuture { return rw.made(1) }

// MakeLock returns LockAsync's future by value; see MakeRLock.
func (rw *RwLock) MakeLock() RwLockFuture { return rw.made(rwMaxReaders) }

func (rw *RwLock) made(n int) RwLockFuture {
	return RwLockFuture{sw: semaWait{s: &rw.s, n: n, base: rwMaxReaders}}
}

func (rw *RwLock) future(n int) *RwLockFuture {
	if !rw.s.slot.claim() {
		if f := takeSpare(&rw.s.spareRw); f != nil {
			f.sw.n, f.sw.state = n, pendIdle // its waiter node was left clean
			return f
		}
		return &RwLockFuture{sw: semaWait{s: &rw.s, n: n, base: rwMaxReaders, spare: true}}
	}
	rw.fut.sw.reset(&rw.s, n, rwMaxReaders)
	return &rw.fut
}

func (rw *RwLock) lockDirect(n int, op, alt string) {
	if rw.s.tryAcquire(n, rwMaxReaders) {
		return
	}
	f := rwPool.get()
	*f = rw.made(n)
	directAwait[struct{}](f, op, alt)
	rwPool.put(f)
}

var rwPool directPool[RwLockFuture]

// release returns n permits, panicking with msg if that would make more
// available than exist (an unlock of what was not locked).
func (rw *RwLock) release(n int, msg string) {
	rw.s.mu.Lock()
	if rw.s.permits+n > 0 {
		rw.s.mu.Unlock()
		panic(msg)
	}
	rw.s.permits += n
	if rw.s.waiters.empty() {
		rw.s.mu.Unlock()
		return
	}
	rw.s.grantAndUnlock(rwMaxReaders)
}

// RwLockFuture is the future of RLockAsync and LockAsync; its output is
// struct{}. It must be polled by one task at a time.
type RwLockFuture struct {
	sw semaWait
}

// Poll implements rt.Future.
func (f *RwLockFuture) Poll(cx *rt.Context) (struct{}, bool) {
	s, spare := f.sw.s, f.sw.spare // read first: finish may give f away
	_, ready := f.sw.poll(cx)      // an RwLock is never closed: ready means granted
	if ready && spare {
		s.spareRw.Store(f) // a spare already there is left to the GC
	}
	return struct{}{}, ready
}

// Cancel abandons the lock: see RLockAsync and LockAsync. It does nothing
// for a completed future (the caller holds the lock) or one never polled,
// and is idempotent until rw hands f out again.
func (f *RwLockFuture) Cancel() {
	s, spare := f.sw.s, f.sw.spare // read first: finish may give f away
	if f.sw.cancel() && spare {
		s.spareRw.Store(f)
	}
}
