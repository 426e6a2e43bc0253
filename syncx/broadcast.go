package syncx

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

// Broadcast is a channel whose every value is seen by every subscribed
// receiver. It keeps the last capacity values in a ring: a send never waits,
// and a receiver that falls more than capacity values behind loses the
// oldest ones — its next receive returns a *LaggedError saying how many, and
// it then continues from the oldest value still kept. The ring holds its
// values (and whatever they reference) until they are overwritten.
//
// The Broadcast itself is the sending end; Subscribe returns receivers.
type Broadcast[T any] struct {
	mu        sync.Mutex
	ring      []T      // mu: value with sequence number s is at ring[s%len(ring)]
	tail      uint64   // mu: sequence number of the next value sent
	closed    bool     // mu
	recvq     waitList // mu: pending receives of every receiver
	receivers int      // mu: subscribed receivers not closed
}

// NewBroadcast returns a broadcast channel that keeps the last capacity
// values for slow receivers. capacity must be at least 1.
func NewBroadcast[T any](capacity int) *Broadcast[T] {
	if capacity < 1 {
		panic("corio/syncx: NewBroadcast capacity must be at least 1")
	}
	return &Broadcast[T]{ring: make([]T, capacity)}
}

// Send sends v to every current receiver and returns how many there are (0
// is not an error: the value is then seen by nobody, as later subscribers
// start after it). It never waits. After Close it returns ErrClosed.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (b *Broadcast[T]) Send(v T) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return 0, ErrClosed
	}
	b.ring[b.tail%uint64(len(b.ring))] = v
	b.tail++
	n := b.receivers
	wakeAllUnlock(&b.mu, &b.recvq)
	return n, nil
}

// Close closes the channel: receivers receive what they have not seen yet
// and then ErrClosed; later sends fail. Idempotent.
func (b *Broadcast[T]) Close() {
	closeWake(&b.mu, &b.closed, &b.recvq)
}

// Receivers returns the number of subscribed receivers not closed.
func (b *Broadcast[T]) Receivers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.receivers
}

// Subscribe returns a new receiver that sees every value sent after this
// call.
func (b *Broadcast[T]) Subscribe() *BroadcastReceiver[T] {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.receivers++
	return &BroadcastReceiver[T]{b: b, next: b.tail}
}

// BroadcastReceiver is one subscriber of a Broadcast. Use it from one task
// at a time (each receive advances its position).
type BroadcastReceiver[T any] struct {
	b      *Broadcast[T]
	next   uint64 // b.mu: sequence number of the next value to receive
	closed bool   // b.mu

	recvSlot reuseSlot
	recv     BroadcastRecvFuture[T]
}

// Recv receives the next value (direct mode of RecvAsync): (v, nil), or
// (zero, *LaggedError) once after the receiver lagged, or (zero, ErrClosed)
// once the channel is closed and the receiver has seen everything.
//
// Cancel-safe: see RecvAsync.
func (r *BroadcastReceiver[T]) Recv() (T, error) {
	out := directAwait[rt.Tuple2[T, error]](r.RecvAsync(), "BroadcastReceiver.Recv", "RecvAsync")
	return out.V0, out.V1
}

// RecvAsync returns a future that receives the next value; see Recv for its
// output. Each poll spends one budget unit.
//
// Cancel-safe: a cancelled RecvAsync has not advanced the receiver: the
// value it would have returned is the next one received.
//
// The future may be the receiver's embedded one, reused by a later
// RecvAsync once it completed or was cancelled: poll or cancel it only until
// then.
func (r *BroadcastReceiver[T]) RecvAsync() *BroadcastRecvFuture[T] {
	f, slot := reuse(&r.recvSlot, &r.recv)
	*f = BroadcastRecvFuture[T]{chanFuture: chanFuture{slot: slot}, r: r}
	return f
}

// TryRecv receives the next value if there is one now; otherwise it returns
// ErrEmpty (or a *LaggedError, or ErrClosed, as Recv). It never waits.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (r *BroadcastReceiver[T]) TryRecv() (T, error) {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	return r.takeLocked()
}

// takeLocked advances the receiver by one value. Caller holds b.mu.
func (r *BroadcastReceiver[T]) takeLocked() (T, error) {
	var zero T
	b := r.b
	if r.closed {
		return zero, ErrClosed
	}
	size := uint64(len(b.ring))
	if b.tail-r.next > size {
		oldest := b.tail - size
		missed := oldest - r.next
		r.next = oldest
		return zero, &LaggedError{Missed: missed}
	}
	if r.next < b.tail {
		v := b.ring[r.next%size]
		r.next++
		return v, nil
	}
	if b.closed {
		return zero, ErrClosed
	}
	return zero, ErrEmpty
}

// Len returns the number of values sent that this receiver has not received
// yet (at most the channel's capacity: older ones are lost).
func (r *BroadcastReceiver[T]) Len() int {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	return int(min(r.b.tail-r.next, uint64(len(r.b.ring))))
}

// Close unsubscribes the receiver: it no longer counts in Receivers, and its
// receives return ErrClosed. Idempotent.
func (r *BroadcastReceiver[T]) Close() {
	r.b.mu.Lock()
	if r.closed {
		r.b.mu.Unlock()
		return
	}
	r.closed = true
	r.b.receivers--
	// Wake the pending receives (this receiver's among them) to see it.
	wakeAllUnlock(&r.b.mu, &r.b.recvq)
}

// BroadcastRecvFuture is the future of BroadcastReceiver.RecvAsync.
type BroadcastRecvFuture[T any] struct {
	chanFuture
	r *BroadcastReceiver[T]
}

// Poll implements rt.Future.
func (f *BroadcastRecvFuture[T]) Poll(cx *rt.Context) (rt.Tuple2[T, error], bool) {
	f.checkPoll("BroadcastRecvFuture")
	return pollTake[T](cx, &f.r.b.mu, &f.r.b.recvq, &f.chanFuture, f.r)
}

// Cancel abandons the receive; the receiver has not advanced. Idempotent.
func (f *BroadcastRecvFuture[T]) Cancel() { cancelTake(&f.r.b.mu, &f.r.b.recvq, &f.chanFuture) }
