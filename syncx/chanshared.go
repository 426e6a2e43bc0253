package syncx

// Channels: the design shared by mpsc.go, oneshot.go, broadcast.go and
// watch.go.
//
// Kinds. NewChannel/NewUnboundedChannel: many senders, values delivered once
// each, FIFO (a Receiver may be shared by several tasks, each value going to
// one of them). NewOneshot: one value, typically a reply. NewBroadcast: every
// subscriber sees every value, from a ring of the last capacity values; a
// subscriber that falls behind is told how many it missed (*LaggedError) and
// goes on from the oldest kept. NewWatch: one current value; receivers wait
// for it to change and see only the latest.
//
// Locking. Each channel is one sync.Mutex around plain state, not a lock-free
// queue: every operation is a few loads and stores under the lock, which an
// uncontended Go mutex makes two atomic operations, and the waiter queues,
// hand-over and cancellation stay simple enough to check exhaustively (see
// chan_model_test.go). Wakers are collected under the lock and woken after
// it is released, through cx.Wake when the operation runs inside a Poll, so
// a send that wakes a receiver of the same runtime puts it in the worker's
// LIFO slot and it runs next.
//
// Hand-over. A value sent while a receive waits is moved into that receive's
// future (not into the buffer) and the receive is woken: it completes at its
// next poll without contending with later receives, which is what makes
// waiting receivers FIFO and keeps a fast producer from starving them. A
// freed slot is likewise granted to the first waiting sender (reserved),
// which fills it at its next poll; a sender arriving meanwhile finds no room
// and queues behind it.
//
// Cancellation hands back exactly what was granted: a receive cancelled
// after a value was moved into it puts the value back at the front of the
// buffer (or into the next waiting receive); a send or reservation cancelled
// after it was granted a slot passes the slot on. A cancelled send never
// half-sends: its value is in the channel only if the send completed. The
// lock orders a cancellation against the hand-over, so there is no window in
// which a value belongs to nobody.
//
// Zero allocations. The futures are intrusive: the waiter node is their
// first field. And each handle embeds one future per waiting operation
// (Receiver.RecvAsync, Sender.SendAsync and ReserveAsync, ...), which XAsync
// hands out again once the previous one completed or was cancelled, guarded
// by an atomic claim (reuseSlot); only when the embedded one is in use — two
// operations of one handle pending at the same time — does XAsync allocate.
// So a task that sends or receives in a loop allocates nothing, in generated
// code too. The price is a rule rt.Future already states: a future is not
// touched after it completed or was cancelled. The claim and the release
// are two atomic operations per operation; MakeSend and MakeRecv return the
// future by value instead, for a caller that keeps it in a typed field of
// its own state (a hand-written future; asyncgen stores an awaited future
// of another package in an rt.Future field, which would box a value on
// every call, so generated code takes the embedded one). Rejected: a
// sync.Pool of futures (same reuse rule, plus the pool's cost).
//
// Closing. Go has no destructors, so the Tokio rule "the channel closes when
// the last Sender is dropped" becomes: Close releases one Sender handle
// (Clone makes another) and the channel closes when every handle and every
// unused Permit has been released; with one handle that is Go's close(ch).
// A receiver may close from its side too. After a close, sends fail with
// ErrClosed and receives drain what is buffered, then report closed (ok ==
// false, or ErrClosed where a receive returns an error).

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// deque is a growable ring of values, first in first out, with a pushFront
// for a value handed back by a cancelled receive. Owned by its channel's
// lock. The zero value is empty; a bounded channel preallocates its
// capacity, so a steady stream of values allocates nothing.
type deque[T any] struct {
	buf  []T
	head int // index of the first value
	n    int // number of values
}

func newDeque[T any](size int) deque[T] { return deque[T]{buf: make([]T, size)} }

func (d *deque[T]) len() int { return d.n }

func (d *deque[T]) pushBack(v T) {
	if d.n == len(d.buf) {
		d.grow()
	}
	i := d.head + d.n
	if i >= len(d.buf) {
		i -= len(d.buf)
	}
	d.buf[i] = v
	d.n++
}

func (d *deque[T]) pushFront(v T) {
	if d.n == len(d.buf) {
		d.grow()
	}
	d.head--
	if d.head < 0 {
		d.head += len(d.buf)
	}
	d.buf[d.head] = v
	d.n++
}

// popFront removes and returns the first value; the deque must not be empty.
// The vacated slot is zeroed so the channel keeps no reference to the value.
func (d *deque[T]) popFront() T {
	var zero T
	v := d.buf[d.head]
	d.buf[d.head] = zero
	d.head++
	if d.head == len(d.buf) {
		d.head = 0
	}
	d.n--
	return v
}

func (d *deque[T]) grow() {
	size := 2 * len(d.buf)
	if size < 4 {
		size = 4
	}
	nb := make([]T, size)
	k := copy(nb, d.buf[d.head:])
	copy(nb[k:], d.buf[:d.head])
	d.buf, d.head = nb, 0
}

// wakeFew collects the wakers one channel operation owes. A send, receive,
// permit or cancellation changes the channel by one value or one slot, which
// wakes at most two waiters (a receiver handed a value and a sender handed
// the slot that freed), so two are held without the 512-byte wakeBatch; a
// third, which no operation produces today, is woken at once, under the lock
// (correct, only slower).
type wakeFew struct {
	w [2]rt.Waker
	n int
}

func (b *wakeFew) add(w rt.Waker) {
	if w == nil {
		return
	}
	if b.n == len(b.w) {
		w.Wake()
		return
	}
	b.w[b.n] = w
	b.n++
}

// wake wakes the collected wakers, through cx when the caller is inside a
// Poll (so a woken task of the same runtime goes to this worker's LIFO slot).
func (b *wakeFew) wake(cx *rt.Context) {
	for i := 0; i < b.n; i++ {
		if cx != nil {
			cx.Wake(b.w[i])
		} else {
			b.w[i].Wake()
		}
		b.w[i] = nil
	}
	b.n = 0
}

// reuseSlot guards a future embedded in a channel handle (a Receiver's
// receive future, say), so that the handle's XAsync methods return it
// instead of allocating: claim takes it for one operation, and the future
// releases it when it completes or is cancelled. While it is taken — a
// second operation on the same handle is pending at the same time — XAsync
// allocates a fresh future, so reuse is never visible except as the absence
// of an allocation.
type reuseSlot struct{ busy atomic.Bool }

func (s *reuseSlot) claim() bool { return s.busy.CompareAndSwap(false, true) }

// release frees the slot; s may be nil (a future that was allocated).
func (s *reuseSlot) release() {
	if s != nil {
		s.busy.Store(false)
	}
}

// leave takes w off l, if it is queued there, under mu: the Cancel of a
// future that was granted nothing but its place in the queue.
func leave(mu *sync.Mutex, l *waitList, w *waiter) {
	mu.Lock()
	if w.queued {
		l.remove(w)
	}
	mu.Unlock()
}

// wakeAllUnlock empties l, waking every waiter, and unlocks mu (which the
// caller holds, and which guards l). Past a wakeBatch's worth of waiters it
// unlocks to wake them and locks again, so the lock is never held while
// more than a batch is woken.
func wakeAllUnlock(mu *sync.Mutex, l *waitList) {
	first := l.popFront()
	if l.empty() { // none or one: no batch to clear (it is 512 bytes)
		mu.Unlock()
		if first != nil && first.waker != nil {
			first.waker.Wake()
		}
		return
	}
	var b wakeBatch
	b.add(first.waker)
	for w := l.popFront(); w != nil; w = l.popFront() {
		if b.add(w.waker) {
			mu.Unlock()
			b.wake(nil)
			mu.Lock()
		}
	}
	mu.Unlock()
	b.wake(nil)
}

// closeWake sets *closed and wakes every waiter on l, the first time only;
// mu guards both.
func closeWake(mu *sync.Mutex, closed *bool, l *waitList) {
	mu.Lock()
	if *closed {
		mu.Unlock()
		return
	}
	*closed = true
	wakeAllUnlock(mu, l)
}

// reuse returns the handle's embedded future and its slot when the slot is
// free, or a fresh future and a nil slot when the embedded one is in use.
func reuse[F any](slot *reuseSlot, embedded *F) (*F, *reuseSlot) {
	if slot.claim() {
		return embedded, slot
	}
	return new(F), nil
}

// chanFuture is the part every channel future shares: its waiter node
// (first, so that a queued *waiter converts back to its future), the reuse
// slot to release and the done flag.
type chanFuture struct {
	w    waiter     // guarded by the channel's lock
	slot *reuseSlot // released by finish; nil for an allocated future
	done bool       // owned by the poller
	// polled is set by the first poll (owned by the poller). A future never
	// polled holds nothing, so its Cancel — a Select branch that lost
	// before it was polled — needs no lock.
	polled bool
}

// finish marks the future done and releases its slot. It must be the
// future's last access: a later XAsync on the handle may reuse it at once.
// The future must have left its queue (the channel's lock orders that
// before this call).
func (f *chanFuture) finish() {
	if f.w.queued {
		panic("corio/syncx: a channel future finished while still queued")
	}
	f.w.waker, f.done = nil, true
	s := f.slot
	f.slot = nil
	s.release()
}

// checkPoll panics on a poll after completion or Cancel.
func (f *chanFuture) checkPoll(what string) {
	if f.done {
		panic("corio/syncx: " + what + " polled after it completed or was cancelled")
	}
	f.polled = true
}

// taker is a receive's non-waiting step: the value, or ErrEmpty to wait.
type taker[T any] interface{ takeLocked() (T, error) }

// pollTake is the Poll of a receive that waits on l, guarded by mu, until
// k.takeLocked returns something other than ErrEmpty. It spends one budget
// unit.
func pollTake[T any, K taker[T]](cx *rt.Context, mu *sync.Mutex, l *waitList, f *chanFuture, k K) (rt.Tuple2[T, error], bool) {
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return rt.Tuple2[T, error]{}, false
	}
	mu.Lock()
	v, err := k.takeLocked()
	if err == ErrEmpty {
		if !f.w.queued {
			l.pushBack(&f.w)
		}
		f.w.waker = cx.Waker()
		mu.Unlock()
		return rt.Tuple2[T, error]{}, false
	}
	if f.w.queued {
		l.remove(&f.w)
	}
	mu.Unlock()
	f.finish()
	return rt.Tuple2[T, error]{V0: v, V1: err}, true
}

// cancelTake is the Cancel of a pollTake receive.
func cancelTake(mu *sync.Mutex, l *waitList, f *chanFuture) {
	if f.done {
		return
	}
	if f.polled {
		leave(mu, l, &f.w)
	}
	f.finish()
}
