package syncx

import (
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
