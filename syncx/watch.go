package syncx

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

// Watch holds one value that changes over time — a configuration, a state,
// a progress figure — and lets receivers wait for it to change. Receivers
// see only the latest value: changes made while a receiver was not looking
// are not queued, they are replaced. The Watch itself is the sending end;
// Subscribe returns receivers.
type Watch[T any] struct {
	mu      sync.Mutex
	v       T        // mu
	version uint64   // mu: bumped by every Send
	closed  bool     // mu
	waitq   waitList // mu: pending Changed waits of every receiver
}

// NewWatch returns a Watch holding initial.
func NewWatch[T any](initial T) *Watch[T] {
	return &Watch[T]{v: initial}
}

// Send replaces the value and wakes every receiver waiting in Changed. It
// never waits. After Close it returns ErrClosed and changes nothing.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (w *Watch[T]) Send(v T) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	w.v = v
	w.version++
	wakeAllUnlock(&w.mu, &w.waitq)
	return nil
}

// Load returns the current value.
func (w *Watch[T]) Load() T {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.v
}

// Close closes the Watch: receivers' waits for a change fail with ErrClosed
// once they have seen the last value; Load still works. Idempotent.
func (w *Watch[T]) Close() {
	closeWake(&w.mu, &w.closed, &w.waitq)
}

// Subscribe returns a receiver that has seen the current value: its Changed
// waits for the next Send.
func (w *Watch[T]) Subscribe() *WatchReceiver[T] {
	w.mu.Lock()
	defer w.mu.Unlock()
	return &WatchReceiver[T]{w: w, seen: w.version}
}

// WatchReceiver waits for changes of a Watch. Use it from one task at a time.
type WatchReceiver[T any] struct {
	w    *Watch[T]
	seen uint64 // w.mu: the version this receiver has seen

	changedSlot reuseSlot
	changed     WatchChangedFuture[T]
}

// Load returns the current value and marks it seen, so that Changed waits
// for a newer one.
//
// Cancel-safe: it never waits, so there is no pending state to cancel.
func (r *WatchReceiver[T]) Load() T {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	r.seen = r.w.version
	return r.w.v
}

// HasChanged reports whether a value newer than the one seen has been sent.
func (r *WatchReceiver[T]) HasChanged() bool {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	return r.w.version != r.seen
}

// Changed waits until a value newer than the one this receiver has seen is
// sent, and marks it seen (direct mode of ChangedAsync); read it with Load.
// It returns ErrClosed if the Watch is closed and nothing newer was sent.
//
// Cancel-safe: see ChangedAsync.
func (r *WatchReceiver[T]) Changed() error {
	return directAwait[error](r.ChangedAsync(), "WatchReceiver.Changed", "ChangedAsync")
}

// ChangedAsync returns a future that waits for a change; see Changed. Each
// poll spends one budget unit.
//
// Cancel-safe: a cancelled ChangedAsync has not marked anything seen: a
// change it would have reported is reported by the next Changed.
//
// The future may be the receiver's embedded one, reused by a later
// ChangedAsync once it completed or was cancelled: poll or cancel it only
// until then.
func (r *WatchReceiver[T]) ChangedAsync() *WatchChangedFuture[T] {
	f, slot := reuse(&r.changedSlot, &r.changed)
	*f = WatchChangedFuture[T]{chanFuture: chanFuture{slot: slot}, r: r}
	return f
}

// takeLocked is Changed's step: it marks a newer version seen, or reports
// ErrEmpty (wait) or ErrClosed. Caller holds w.mu.
func (r *WatchReceiver[T]) takeLocked() (struct{}, error) {
	switch {
	case r.w.version != r.seen:
		r.seen = r.w.version
		return struct{}{}, nil
	case r.w.closed:
		return struct{}{}, ErrClosed
	}
	return struct{}{}, ErrEmpty
}

// WatchChangedFuture is the future of WatchReceiver.ChangedAsync.
type WatchChangedFuture[T any] struct {
	chanFuture
	r *WatchReceiver[T]
}

// Poll implements rt.Future.
func (f *WatchChangedFuture[T]) Poll(cx *rt.Context) (error, bool) {
	f.checkPoll("WatchChangedFuture")
	out, ok := pollTake[struct{}](cx, &f.r.w.mu, &f.r.w.waitq, &f.chanFuture, f.r)
	return out.V1, ok
}

// Cancel abandons the wait; nothing was marked seen. Idempotent.
func (f *WatchChangedFuture[T]) Cancel() { cancelTake(&f.r.w.mu, &f.r.w.waitq, &f.chanFuture) }
