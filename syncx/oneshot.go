package syncx

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

// oneshot is the state of a one-value channel, its receive future included.
type oneshot[T any] struct {
	mu     sync.Mutex
	state  oneshotState // mu
	v      T            // mu: the value, while state is oneshotFull
	recvq  waitList     // mu: pending receives (normally at most one)
	rclose bool         // mu: the receiver closed its end

	recvSlot reuseSlot
	recv     OneshotRecvFuture[T] // handed out by RecvAsync while recvSlot is claimed
}

// oneshotState: empty → full (Send) → taken (a receive took v);
// empty → closed (sender's Close). full, taken and closed are final but for
// full → taken.
type oneshotState uint8

const (
	oneshotEmpty oneshotState = iota
	oneshotFull
	oneshotTaken
	oneshotClosed
)

// OneshotSender is the sending end of a oneshot channel: it sends one value.
type OneshotSender[T any] struct{ o *oneshot[T] }

// OneshotReceiver is the receiving end of a oneshot channel.
type OneshotReceiver[T any] struct{ o *oneshot[T] }

// oneshotAlloc is a oneshot channel with its two ends: one allocation.
type oneshotAlloc[T any] struct {
	o oneshot[T]
	s OneshotSender[T]
	r OneshotReceiver[T]
}

// NewOneshot returns the two ends of a channel that carries one value, such
// as the reply to a request: the sender sends it (or closes without sending),
// the receiver waits for it. The channel, both ends and the receive future
// are one allocation.
func NewOneshot[T any]() (*OneshotSender[T], *OneshotReceiver[T]) {
	a := new(oneshotAlloc[T])
	a.s.o, a.r.o = &a.o, &a.o
	return &a.s, &a.r
}

// Send stores v for the receiver and wakes it. It never waits. It returns
// ErrClosed, without sending, if the receiver has closed its end. Send after
// Send or after Close panics.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (s *OneshotSender[T]) Send(v T) error {
	o := s.o
	o.mu.Lock()
	if o.state != oneshotEmpty {
		o.mu.Unlock()
		panic("corio/syncx: OneshotSender.Send after Send or Close")
	}
	if o.rclose {
		o.mu.Unlock()
		return ErrClosed
	}
	o.v, o.state = v, oneshotFull
	wakeAllUnlock(&o.mu, &o.recvq)
	return nil
}

// Close closes the sending end without a value: the receiver's pending and
// later receives fail with ErrClosed. After Send, or a second time, it does
// nothing.
func (s *OneshotSender[T]) Close() {
	o := s.o
	o.mu.Lock()
	if o.state != oneshotEmpty {
		o.mu.Unlock()
		return
	}
	o.state = oneshotClosed
	wakeAllUnlock(&o.mu, &o.recvq)
}

// Closed reports whether the receiver has closed its end (a sender may then
// skip computing the value).
func (s *OneshotSender[T]) Closed() bool {
	o := s.o
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.rclose
}

// Recv waits for the value (direct mode of RecvAsync). It returns ErrClosed
// if the sender closed without sending, or the value was already received.
//
// Cancel-safe: see RecvAsync.
func (r *OneshotReceiver[T]) Recv() (T, error) {
	out := directAwait[rt.Tuple2[T, error]](r.RecvAsync(), "OneshotReceiver.Recv", "RecvAsync")
	return out.V0, out.V1
}

// RecvAsync returns a future that waits for the value: its output is
// (v, nil), or (zero, ErrClosed) if the sender closed without sending or the
// value was already received. Each poll spends one budget unit.
//
// Cancel-safe: a cancelled RecvAsync takes nothing; the value stays for the
// next receive.
//
// The future may be the channel's embedded one, reused by a later RecvAsync
// once it completed or was cancelled: poll or cancel it only until then.
func (r *OneshotReceiver[T]) RecvAsync() *OneshotRecvFuture[T] {
	o := r.o
	f, slot := reuse(&o.recvSlot, &o.recv)
	*f = OneshotRecvFuture[T]{chanFuture: chanFuture{slot: slot}, o: o}
	return f
}

// TryRecv returns the value if it has been sent, ErrEmpty if not yet, or
// ErrClosed (sender closed without sending, or value already received). It
// never waits.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (r *OneshotReceiver[T]) TryRecv() (T, error) {
	o := r.o
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.takeLocked()
}

// takeLocked takes the value if there is one. Caller holds o.mu.
func (o *oneshot[T]) takeLocked() (T, error) {
	var zero T
	switch o.state {
	case oneshotFull:
		v := o.v
		o.v, o.state = zero, oneshotTaken
		return v, nil
	case oneshotEmpty:
		return zero, ErrEmpty
	}
	return zero, ErrClosed
}

// Close closes the receiving end: a later Send returns ErrClosed. A value
// already sent can still be received.
func (r *OneshotReceiver[T]) Close() {
	o := r.o
	o.mu.Lock()
	o.rclose = true
	o.mu.Unlock()
}

// OneshotRecvFuture is the future of OneshotReceiver.RecvAsync.
type OneshotRecvFuture[T any] struct {
	chanFuture
	o *oneshot[T]
}

// Poll implements rt.Future.
func (f *OneshotRecvFuture[T]) Poll(cx *rt.Context) (rt.Tuple2[T, error], bool) {
	f.checkPoll("OneshotRecvFuture")
	return pollTake[T](cx, &f.o.mu, &f.o.recvq, &f.chanFuture, f.o)
}

// Cancel abandons the receive; the value, if sent, stays. Idempotent.
func (f *OneshotRecvFuture[T]) Cancel() { cancelTake(&f.o.mu, &f.o.recvq, &f.chanFuture) }
