package syncx

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/corio-go/corio/rt"
)

// The mpsc channel: many senders, one receiving side (which several tasks
// may share), bounded or unbounded. The design common to all channels is in
// chanshared.go.
//
// Why two handles (Sender, Receiver) and not one *Chan like Go's chan: the
// two ends have different operations (Go expresses that with chan<- and
// <-chan), and each handle owns one embedded future for its waiting
// operation, which SendAsync/RecvAsync hand out again and again — that is how
// a send and a receive allocate nothing. Clone gives every producer a handle
// of its own, so producers do not contend for one embedded future; and since
// Go has no destructor to notice the last producer going away, Close on a
// Sender releases that handle and the channel closes when every handle (and
// every unused Permit) is released — a single Sender closes like Go's
// close(ch), several close like a sync.WaitGroup followed by close.
//
// State (chanCore, one mutex):
//   - buf holds values sent and not yet received;
//   - recvq holds waiting receives; it is non-empty only while buf is empty;
//     a value sent then is moved straight into the first waiter's slot
//     (notified), so the woken receiver finds it without racing anyone;
//   - sendq holds waiting sends and reservations; it is non-empty only while
//     the channel has no free slot; a slot that frees is granted to the first
//     waiter (notified, reserved++), which fills it at its next poll;
//   - reserved counts slots granted and not yet filled (permits, granted
//     sends); a send finds room when len(buf)+reserved < cap.

// chanCore is the state shared by a channel's handles.
type chanCore[T any] struct {
	mu       sync.Mutex
	buf      deque[T] // mu
	capacity int      // immutable; unbounded < 0
	reserved int      // mu: slots granted to permits and to granted sends, not yet filled
	senders  int      // mu: open Sender handles plus unused permits; the channel closes at 0
	closed   bool     // mu: no send succeeds any more; receives drain buf
	recvq    waitList // mu: *RecvFuture waiters (waiter is their first field)
	sendq    waitList // mu: *SendFuture and *ReserveFuture waiters
}

// hasRoom reports whether a send may take a slot now. Caller holds mu.
func (c *chanCore[T]) hasRoom() bool {
	return c.capacity < 0 || c.buf.len()+c.reserved < c.capacity
}

// recvOf returns the receive future whose waiter node w is. The waiter is the
// first field of RecvFuture, so the two share an address (the intrusive
// list's container-of); only RecvFuture waiters are ever queued on recvq.
func recvOf[T any](w *waiter) *RecvFuture[T] { return (*RecvFuture[T])(unsafe.Pointer(w)) }

// push delivers v: into the first waiting receive's slot, else to the back of
// buf. It does not check room. Caller holds mu.
func (c *chanCore[T]) push(v T, wk *wakeFew) { wk.add(c.deliver(v)) }

// deliver is push returning the waker it owes (nil when v went into buf),
// for a caller that wakes it after releasing mu. Caller holds mu.
func (c *chanCore[T]) deliver(v T) rt.Waker {
	if w := c.recvq.popFront(); w != nil {
		f := recvOf[T](w)
		f.v = v
		w.notified = true
		wk := w.waker        // before handed: once it is set the receive may finish (and clear it) without mu
		f.handed.Store(true) // last: publishes f.v to the receiver's lock-free check
		return wk
	}
	c.buf.pushBack(v)
	return nil
}

// dispatch restores the invariants after buf, reserved or a queue changed:
// buffered values go to waiting receives, free slots to waiting senders.
// Caller holds mu.
func (c *chanCore[T]) dispatch(wk *wakeFew) {
	for {
		if c.buf.len() > 0 && !c.recvq.empty() {
			c.push(c.buf.popFront(), wk)
			continue
		}
		if !c.closed && !c.sendq.empty() && c.hasRoom() {
			w := c.sendq.popFront()
			w.notified = true
			c.reserved++
			wk.add(w.waker)
			continue
		}
		return
	}
}

// closeLocked closes the channel and wakes every waiter: receives drain buf
// and then report closed, sends and reservations fail. It unlocks mu to wake
// when more waiters than a batch holds are queued. Caller holds mu; it still
// holds it on return.
func (c *chanCore[T]) closeLocked() {
	c.closed = true
	wakeAllUnlock(&c.mu, &c.recvq)
	c.mu.Lock()
	wakeAllUnlock(&c.mu, &c.sendq)
	c.mu.Lock()
}

// releaseSender drops one sender reference (a handle or a permit), closing
// the channel at the last. Caller holds mu.
func (c *chanCore[T]) releaseSender() {
	c.senders--
	if c.senders == 0 && !c.closed {
		c.closeLocked()
	}
}

// NewChannel returns the two ends of a channel that buffers up to capacity
// values: a send waits while capacity values are buffered or reserved.
// capacity must be at least 1 (Go's unbuffered rendezvous has no counterpart:
// use 1).
func NewChannel[T any](capacity int) (*Sender[T], *Receiver[T]) {
	if capacity < 1 {
		panic("corio/syncx: NewChannel capacity must be at least 1")
	}
	return newChannel(&chanCore[T]{buf: newDeque[T](capacity), capacity: capacity})
}

// NewUnboundedChannel returns the two ends of a channel whose buffer grows as
// needed: a send never waits. Memory is the producers' responsibility: a
// receiver that falls behind lets the buffer grow without limit.
func NewUnboundedChannel[T any]() (*Sender[T], *Receiver[T]) {
	return newChannel(&chanCore[T]{capacity: -1})
}

func newChannel[T any](c *chanCore[T]) (*Sender[T], *Receiver[T]) {
	c.senders = 1
	return &Sender[T]{c: c}, &Receiver[T]{c: c}
}

// Sender is the sending end of a channel. Its methods are safe for concurrent
// use; give each producer task its own handle (Clone) so that its sends reuse
// the handle's embedded future instead of allocating.
type Sender[T any] struct {
	c      *chanCore[T]
	closed atomic.Bool // this handle was closed (set under c.mu)

	sendSlot reuseSlot
	send     SendFuture[T] // handed out by SendAsync while sendSlot is claimed
	rsvSlot  reuseSlot
	rsv      ReserveFuture[T] // handed out by ReserveAsync while rsvSlot is claimed
}

// Clone returns a new handle on the same channel. The channel stays open
// until every handle has been closed. Cloning a closed handle panics.
func (s *Sender[T]) Clone() *Sender[T] {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.closed.Load() {
		panic("corio/syncx: Clone of a closed Sender")
	}
	c.senders++
	return &Sender[T]{c: c}
}

// Close releases this handle: it may not send any more. When the last handle
// is closed and no unused Permit remains, the channel closes: waiting and
// later sends fail with ErrClosed, and the receiver drains what is buffered
// and then sees the channel closed. Sends on a closed handle fail with
// ErrClosed even while other handles keep the channel open. Closing a handle
// again does nothing.
func (s *Sender[T]) Close() {
	c := s.c
	c.mu.Lock()
	if !s.closed.Swap(true) {
		c.releaseSender()
	}
	c.mu.Unlock()
}

// Closed reports whether the channel is closed (by the receiver, or because
// every sender handle was closed).
func (s *Sender[T]) Closed() bool {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.c.closed
}

// Len returns the number of values buffered and not yet received.
func (s *Sender[T]) Len() int { return s.c.len() }

// Cap returns the channel's capacity, or -1 for an unbounded channel.
func (s *Sender[T]) Cap() int { return s.c.cap() }

func (c *chanCore[T]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.len()
}

func (c *chanCore[T]) cap() int {
	if c.capacity < 0 {
		return -1
	}
	return c.capacity
}

// Send sends v, waiting while the channel is full (direct mode of SendAsync).
// It returns ErrClosed, without sending, if the channel is or becomes closed
// before v is in it. Like rt.Await it refuses, by panicking, to block a
// goroutine that drives a runtime; the refused send is cancelled first, so
// it leaves nothing queued.
//
// Cancel-safe: see SendAsync.
func (s *Sender[T]) Send(v T) error {
	return directAwait[error](s.SendAsync(v), "Sender.Send", "SendAsync")
}

// SendAsync returns a future that sends v, waiting while the channel is full;
// its output is nil once v is in the channel, or ErrClosed. Waiting senders
// are served in the order they started waiting. Each poll spends one budget
// unit.
//
// Cancel-safe: a cancelled SendAsync has not sent v (v is not in the channel,
// and nothing else is lost); a slot it had been granted passes to the next
// waiting sender.
//
// The future may be the handle's embedded one, reused by a later SendAsync
// on this handle once it completed or was cancelled: poll or cancel it only
// until then, as rt.Future requires.
func (s *Sender[T]) SendAsync(v T) *SendFuture[T] {
	f, slot := reuse(&s.sendSlot, &s.send)
	*f = SendFuture[T]{chanFuture: chanFuture{slot: slot}, c: s.c, v: v, refused: s.closed.Load()}
	return f
}

// MakeSend returns SendAsync's future by value, for a caller that keeps it
// in its own state and polls it there (see Mutex.MakeLock): it claims no
// embedded future, so it saves SendAsync's two atomic operations, and it is
// the caller's alone. It may be copied until its first poll, not after.
// Cancel of the zero SendFuture does nothing.
func (s *Sender[T]) MakeSend(v T) SendFuture[T] {
	return SendFuture[T]{c: s.c, v: v, refused: s.closed.Load()}
}

// TrySend sends v if the channel has a free slot now and no sender is
// waiting ahead of it; otherwise it returns ErrFull, or ErrClosed if the
// channel is closed. It never waits.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (s *Sender[T]) TrySend(v T) error {
	c := s.c
	var wk wakeFew
	c.mu.Lock()
	switch {
	case c.closed || s.closed.Load():
		c.mu.Unlock()
		return ErrClosed
	case !c.sendq.empty() || !c.hasRoom():
		c.mu.Unlock()
		return ErrFull
	}
	c.push(v, &wk)
	c.mu.Unlock()
	wk.wake(nil)
	return nil
}

// Reserve waits for a free slot and returns a Permit holding it (direct mode
// of ReserveAsync), or ErrClosed.
//
// Cancel-safe: see ReserveAsync.
func (s *Sender[T]) Reserve() (Permit[T], error) {
	out := directAwait[rt.Tuple2[Permit[T], error]](s.ReserveAsync(), "Sender.Reserve", "ReserveAsync")
	return out.V0, out.V1
}

// ReserveAsync returns a future that waits for a free slot, in the same FIFO
// queue as SendAsync, and outputs a Permit that holds it: Permit.Send then
// sends without waiting. Reserve first when the value is costly to make, or
// must not be lost if the wait is abandoned. A Permit keeps the channel open
// (like a Sender handle) until it is used or released. Each poll spends one
// budget unit.
//
// Cancel-safe: a cancelled ReserveAsync that had been granted a slot returns
// it to the next waiting sender; nothing else was taken.
//
// The future may be the handle's embedded one; see SendAsync.
func (s *Sender[T]) ReserveAsync() *ReserveFuture[T] {
	f, slot := reuse(&s.rsvSlot, &s.rsv)
	*f = ReserveFuture[T]{chanFuture: chanFuture{slot: slot}, c: s.c, refused: s.closed.Load()}
	return f
}

// SendFuture is the future of SendAsync. It is owned by the task polling it.
type SendFuture[T any] struct {
	chanFuture
	c       *chanCore[T]
	v       T    // the value to send; owned by the poller
	refused bool // immutable: made by a closed handle, fails with ErrClosed
}

// takeSlot is the common step of a send and a reservation polled with the
// waiter w: it reports whether w holds a free slot now (counted in
// reserved), or ErrClosed, or neither after queueing w on sendq (FIFO: a new
// sender never passes one that waits). Caller holds mu.
func (c *chanCore[T]) takeSlot(w *waiter, refused bool, cx *rt.Context, wk *wakeFew) (bool, error) {
	switch {
	case c.closed || refused:
		c.dropSendWaiter(w, wk)
		return false, ErrClosed
	case w.notified:
		w.notified = false
		return true, nil
	case !w.queued && c.sendq.empty() && c.hasRoom():
		c.reserved++
		return true, nil
	}
	if !w.queued {
		c.sendq.pushBack(w)
	}
	w.waker = cx.Waker()
	return false, nil
}

// dropSendWaiter takes w off sendq and hands a slot it had been granted to
// the next waiting sender. Caller holds mu.
func (c *chanCore[T]) dropSendWaiter(w *waiter, wk *wakeFew) {
	if w.queued {
		c.sendq.remove(w)
	}
	if w.notified {
		w.notified = false
		c.reserved--
		c.dispatch(wk)
	}
}

// cancelSender is Cancel of a send or a reservation with waiter w.
func (c *chanCore[T]) cancelSender(w *waiter) {
	var wk wakeFew
	c.mu.Lock()
	c.dropSendWaiter(w, &wk)
	c.mu.Unlock()
	wk.wake(nil)
}

// Poll implements rt.Future.
func (f *SendFuture[T]) Poll(cx *rt.Context) (error, bool) {
	f.checkPoll("SendFuture")
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return nil, false
	}
	c := f.c
	c.mu.Lock()
	if !f.w.queued && !f.w.notified && !f.refused && !c.closed && c.sendq.empty() && c.hasRoom() {
		// The common send: room now and nobody queued ahead (takeSlot's
		// third case). v goes to the first waiting receive or into buf;
		// no slot is granted or freed and no sender waits, so dispatch
		// would find nothing to do, and there is at most the receive to
		// wake.
		rw := c.deliver(f.v)
		c.mu.Unlock()
		if rw != nil {
			cx.Wake(rw)
		}
		f.finish()
		return nil, true
	}
	var wk wakeFew
	ok, err := c.takeSlot(&f.w, f.refused, cx, &wk)
	if ok {
		c.reserved--
		c.push(f.v, &wk)
		c.dispatch(&wk) // a value handed to a receive leaves its slot free
	}
	c.mu.Unlock()
	wk.wake(cx)
	if !ok && err == nil {
		return nil, false
	}
	f.finish()
	return err, true
}

// Cancel abandons the send: v is not sent; a slot the send had been granted
// goes to the next waiting sender. Idempotent.
func (f *SendFuture[T]) Cancel() {
	if f.done {
		return
	}
	if f.polled {
		f.c.cancelSender(&f.w)
	}
	f.finish()
}

func (f *SendFuture[T]) finish() {
	var zero T
	f.v = zero
	f.chanFuture.finish()
}

// ReserveFuture is the future of ReserveAsync. It is owned by the task
// polling it.
type ReserveFuture[T any] struct {
	chanFuture
	c       *chanCore[T]
	refused bool // immutable: made by a closed handle, fails with ErrClosed
}

// Poll implements rt.Future.
func (f *ReserveFuture[T]) Poll(cx *rt.Context) (rt.Tuple2[Permit[T], error], bool) {
	type out = rt.Tuple2[Permit[T], error]
	f.checkPoll("ReserveFuture")
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return out{}, false
	}
	c := f.c
	var wk wakeFew
	c.mu.Lock()
	ok, err := c.takeSlot(&f.w, f.refused, cx, &wk)
	if ok {
		c.senders++ // the permit keeps the channel open
	}
	c.mu.Unlock()
	wk.wake(cx)
	switch {
	case ok:
		f.finish()
		return out{V0: Permit[T]{c: c}}, true
	case err != nil:
		f.finish()
		return out{V1: err}, true
	}
	return out{}, false
}

// Cancel abandons the reservation; a slot it had been granted goes to the
// next waiting sender. Idempotent.
func (f *ReserveFuture[T]) Cancel() {
	if f.done {
		return
	}
	if f.polled {
		f.c.cancelSender(&f.w)
	}
	f.finish()
}

// Permit is a slot reserved in a channel by Reserve. Use it exactly once,
// with Send or Release; until then it holds the slot and keeps the channel
// open. A Permit must not be copied once obtained (a copy would use the same
// slot twice); the zero Permit holds nothing.
type Permit[T any] struct {
	c *chanCore[T]
}

// Send sends v into the reserved slot without waiting. It returns ErrClosed,
// dropping v, only if the receiver closed the channel meanwhile. Using a
// Permit twice panics.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (p *Permit[T]) Send(v T) error {
	c := p.take("Send")
	var wk wakeFew
	c.mu.Lock()
	c.reserved--
	err := ErrClosed
	if !c.closed {
		c.push(v, &wk)
		c.dispatch(&wk)
		err = nil
	}
	c.releaseSender()
	c.mu.Unlock()
	wk.wake(nil)
	return err
}

// Release gives the slot back unused (to the next waiting sender).
// Releasing a Permit twice, or after Send, panics.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (p *Permit[T]) Release() {
	c := p.take("Release")
	var wk wakeFew
	c.mu.Lock()
	c.reserved--
	c.dispatch(&wk)
	c.releaseSender()
	c.mu.Unlock()
	wk.wake(nil)
}

func (p *Permit[T]) take(op string) *chanCore[T] {
	c := p.c
	if c == nil {
		panic("corio/syncx: Permit." + op + " on a used or zero Permit")
	}
	p.c = nil
	return c
}

// Receiver is the receiving end of a channel. Its methods are safe for
// concurrent use: several tasks may receive from one Receiver (each value goes
// to exactly one of them, waiting receives are served in order), though only
// one pending receive at a time reuses the handle's embedded future.
type Receiver[T any] struct {
	c        *chanCore[T]
	recvSlot reuseSlot
	recv     RecvFuture[T]
}

// Recv receives the next value, waiting until one is sent (direct mode of
// RecvAsync). ok is false once the channel is closed and every buffered
// value has been received, as with Go's v, ok := <-ch. Like rt.Await it
// refuses, by panicking, to block a goroutine that drives a runtime; the
// refused operation is cancelled first, so it leaves nothing queued.
//
// Cancel-safe: see RecvAsync.
func (r *Receiver[T]) Recv() (v T, ok bool) {
	out := directAwait[rt.Tuple2[T, bool]](r.RecvAsync(), "Receiver.Recv", "RecvAsync")
	return out.V0, out.V1
}

// RecvAsync returns a future that receives the next value: its output is
// (v, true), or (zero, false) once the channel is closed and drained.
// Waiting receives are served in the order they started waiting, and a value
// sent while one waits is moved straight into it. Each poll spends one budget
// unit.
//
// Cancel-safe: a cancelled RecvAsync loses no value: one already moved into
// it goes back to the front of the channel (or to the next waiting receive).
//
// The future may be the handle's embedded one, reused by a later RecvAsync
// once it completed or was cancelled: poll or cancel it only until then, as
// rt.Future requires.
func (r *Receiver[T]) RecvAsync() *RecvFuture[T] {
	if !r.recvSlot.claim() {
		return &RecvFuture[T]{c: r.c}
	}
	// Reset the embedded future field by field rather than with a struct
	// assignment, which copies the whole future (a bulk write barrier while
	// the GC marks). The last use left it unqueued, without a waker or a
	// value (finish and takeHanded clear them); only the slot (finish
	// clears it), the flags that the hand-over fast path leaves set, and c
	// on first use need writing.
	f := &r.recv
	if f.c != r.c {
		f.c = r.c
	}
	f.slot = &r.recvSlot
	f.done, f.polled, f.w.notified = false, false, false
	// A plain store, as the struct assignment made: the slot's claim orders
	// it after the last use, and no send can reach f before it is polled.
	f.handed = atomic.Bool{}
	return f
}

// MakeRecv returns RecvAsync's future by value, for a caller that keeps it
// in its own state and polls it there (see Mutex.MakeLock): it claims no
// embedded future, so it saves RecvAsync's two atomic operations, and it is
// the caller's alone. It may be copied until its first poll, not after.
// Cancel of the zero RecvFuture does nothing.
func (r *Receiver[T]) MakeRecv() RecvFuture[T] { return RecvFuture[T]{c: r.c} }

// TryRecv receives a value if one is buffered now. Otherwise it returns
// ErrEmpty, or ErrClosed once the channel is closed and drained. It never
// waits.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (r *Receiver[T]) TryRecv() (T, error) {
	c := r.c
	var wk wakeFew
	c.mu.Lock()
	if c.buf.len() == 0 {
		closed := c.closed
		c.mu.Unlock()
		var zero T
		if closed {
			return zero, ErrClosed
		}
		return zero, ErrEmpty
	}
	v := c.buf.popFront()
	c.dispatch(&wk)
	c.mu.Unlock()
	wk.wake(nil)
	return v, nil
}

// Close closes the channel from the receiving side: sends and unused permits
// fail with ErrClosed from now on, waiting senders are woken to fail, and
// what is already buffered can still be received. Idempotent.
func (r *Receiver[T]) Close() {
	c := r.c
	c.mu.Lock()
	if !c.closed {
		c.closeLocked()
	}
	c.mu.Unlock()
}

// Len returns the number of values buffered and not yet received.
func (r *Receiver[T]) Len() int { return r.c.len() }

// Cap returns the channel's capacity, or -1 for an unbounded channel.
func (r *Receiver[T]) Cap() int { return r.c.cap() }

// RecvFuture is the future of RecvAsync. It is owned by the task polling it.
type RecvFuture[T any] struct {
	chanFuture // first field: recvOf converts a queued *waiter back
	c          *chanCore[T]
	v          T // the value a send moved in: written under c.mu before handed
	// handed is set (with w.notified, under c.mu) once a send moved a value
	// into v: the poll that finds it set takes v without the lock, since no
	// one writes v after handing it over. Reset by the owner only.
	handed atomic.Bool
}

// Poll implements rt.Future.
func (f *RecvFuture[T]) Poll(cx *rt.Context) (rt.Tuple2[T, bool], bool) {
	type out = rt.Tuple2[T, bool]
	f.checkPoll("RecvFuture")
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return out{}, false
	}
	var v T
	if f.handed.Load() { // the common wake-up: a send handed a value over
		// f is finished here, so handed and w.notified need no reset (an
		// atomic store is a locked instruction): the next RecvAsync that
		// reuses f resets them.
		var zero T
		v, f.v = f.v, zero // keep no reference to the value
		f.finish()
		return out{V0: v, V1: true}, true
	}
	c := f.c
	c.mu.Lock()
	switch {
	case f.w.notified: // handed over since the check above
		v = f.takeHanded()
		c.mu.Unlock()
	case c.buf.len() > 0:
		// recvq is non-empty only while buf is empty, so this receive is
		// not queued behind anyone (the check is a safety net).
		if f.w.queued {
			c.recvq.remove(&f.w)
		}
		v = c.buf.popFront()
		var wk wakeFew
		c.dispatch(&wk)
		c.mu.Unlock()
		wk.wake(cx)
	case c.closed:
		if f.w.queued {
			c.recvq.remove(&f.w)
		}
		c.mu.Unlock()
		f.finish()
		return out{}, true
	default:
		if !f.w.queued {
			c.recvq.pushBack(&f.w)
		}
		f.w.waker = cx.Waker()
		c.mu.Unlock()
		return out{}, false
	}
	f.finish()
	return out{V0: v, V1: true}, true
}

// Cancel abandons the receive. A value already moved into it goes back to
// the front of the channel, or to the next waiting receive. Idempotent.
func (f *RecvFuture[T]) Cancel() {
	if f.done {
		return
	}
	if f.polled {
		c := f.c
		var wk wakeFew
		c.mu.Lock()
		if f.w.queued {
			c.recvq.remove(&f.w)
		}
		if f.w.notified {
			c.buf.pushFront(f.takeHanded())
			c.dispatch(&wk)
		}
		c.mu.Unlock()
		wk.wake(nil)
	}
	f.finish()
}

// takeHanded takes the value a send handed over and clears the hand-over.
func (f *RecvFuture[T]) takeHanded() T {
	var zero T
	v := f.v
	f.v, f.w.notified = zero, false
	f.handed.Store(false)
	return v
}
