package syncx

import "github.com/corio-go/corio/rt"

// waiter is one pending wait: a node of a waitList. It lives inside the
// future that waits (intrusive), so queueing a waiter allocates nothing.
//
// Every field is guarded by the lock of the primitive whose list the waiter
// is on (or may join): the future reads and writes them only under that lock.
type waiter struct {
	prev, next *waiter
	waker      rt.Waker // woken when notified; refreshed by every pending poll
	queued     bool     // on a list now
	notified   bool     // the primitive granted this waiter what it waits for
	handed     bool     // Mutex: the grant is the lock itself, not a turn to retry
	losses     uint8    // Mutex: times this waiter was woken and found the lock taken
	n          int      // units asked for (semaphore permits; 1 elsewhere)
}

// waitList is a FIFO doubly linked list of waiters, guarded by its owner's
// lock. The zero value is an empty list.
type waitList struct {
	head, tail *waiter
	len        int
}

// pushBack queues w last (it must not be queued).
func (l *waitList) pushBack(w *waiter) {
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	w.queued = true
	l.len++
}

// pushFront queues w first (it must not be queued): a waiter that hands back
// what it was granted keeps its place ahead of later arrivals.
func (l *waitList) pushFront(w *waiter) {
	w.prev, w.next = nil, l.head
	if l.head != nil {
		l.head.prev = w
	} else {
		l.tail = w
	}
	l.head = w
	w.queued = true
	l.len++
}

// remove unlinks w in O(1). w must be queued on l.
func (l *waitList) remove(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next = nil, nil
	w.queued = false
	l.len--
}

// front returns the first waiter, or nil.
func (l *waitList) front() *waiter { return l.head }

// popFront unlinks and returns the first waiter, or nil.
func (l *waitList) popFront() *waiter {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// empty reports whether no waiter is queued.
func (l *waitList) empty() bool { return l.head == nil }

// wakeBatch collects wakers under a primitive's lock so that they are woken
// after it is released (a woken task may run at once on another worker and
// take the same lock). Up to len(ws) wakers are held without allocating;
// full reports when the caller must release the lock, wake and continue.
type wakeBatch struct {
	ws [32]rt.Waker
	n  int
}

// add records w; it reports whether the batch is now full.
func (b *wakeBatch) add(w rt.Waker) (full bool) {
	if w == nil {
		return b.n == len(b.ws)
	}
	b.ws[b.n] = w
	b.n++
	return b.n == len(b.ws)
}

// wake wakes and forgets every recorded waker. Call it with no lock held.
// With cx non-nil (the caller is inside a Poll) a waker that is a task of the
// polling runtime is scheduled on the polling worker without a lock.
func (b *wakeBatch) wake(cx *rt.Context) {
	for i := 0; i < b.n; i++ {
		if cx != nil {
			cx.Wake(b.ws[i])
		} else {
			b.ws[i].Wake()
		}
		b.ws[i] = nil
	}
	b.n = 0
}
