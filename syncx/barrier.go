package syncx

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

// Barrier lets n tasks or goroutines wait until all n have arrived, then
// releases them together; it is reusable (each round of n arrivals is a
// generation). Exactly one waiter of each generation — the last to arrive —
// is told it is the leader.
type Barrier struct {
	n int // immutable

	mu      sync.Mutex
	gen     int      // guarded by mu: the current generation, counting from 0
	arrived int      // guarded by mu: waiters of the current generation
	waiters waitList // guarded by mu: the arrived waiters except the last; each waiter's n is its generation
}

// NewBarrier returns a barrier for n parties. With n <= 1 every Wait returns
// at once as the leader.
func NewBarrier(n int) *Barrier { return &Barrier{n: n} }

// Wait blocks the calling goroutine until n parties have called Wait (or
// polled WaitAsync) in this generation, and reports whether the caller is
// the generation's leader (direct mode of WaitAsync). It panics instead if it
// would have to wait on a goroutine that drives a runtime.
func (b *Barrier) Wait() (leader bool) {
	f := barrierPool.get()
	f.b = b
	leader = directAwait[bool](f, "Barrier.Wait", "WaitAsync")
	barrierPool.put(f)
	return leader
}

var barrierPool directPool[BarrierFuture]

// WaitAsync returns a future that arrives at the barrier at its first poll
// and is ready, reporting whether it is the leader, once n parties have
// arrived. The last party to arrive wakes the others from its poll. It
// spends one budget unit per poll.
//
// Cancel-safe: cancelling the pending future withdraws its arrival, so the
// generation still waits for n parties that are actually waiting; once the
// generation was released there is nothing to withdraw.
func (b *Barrier) WaitAsync() *BarrierFuture { return &BarrierFuture{b: b} }

// BarrierFuture is the future of Barrier.WaitAsync; its output reports
// whether the waiter is the leader. It must be polled by one task at a time.
type BarrierFuture struct {
	b     *Barrier
	state pendState // owned by the poller
	w     waiter    // guarded by b.mu
}

// Poll implements rt.Future.
func (f *BarrierFuture) Poll(cx *rt.Context) (bool, bool) {
	b := f.b
	switch f.state {
	case pendDone:
		panic("corio/syncx: BarrierFuture polled after completion")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return false, false
		}
		b.mu.Lock()
		b.arrived++
		if b.arrived < b.n {
			f.w.n = b.gen
			f.w.waker = cx.Waker()
			b.waiters.pushBack(&f.w)
			b.mu.Unlock()
			f.state = pendWaiting
			return false, false
		}
		// The last arrival: release the generation. If the wake batch fills,
		// the lock is dropped for a moment and the next generation may start
		// queueing behind; the generation tag stops the release there (and a
		// next generation that completes within that moment releases what is
		// left of this one ahead of its own: hence <=).
		gen := b.gen
		b.gen++
		b.arrived = 0
		notifyUnlock(&b.mu, &b.waiters, cx, true, func(w *waiter) bool { return w.n <= gen })
		f.state = pendDone
		return true, true
	}
	if !repoll(&b.mu, &f.w, cx) {
		return false, false
	}
	f.state = pendDone
	return false, true
}

// Cancel withdraws the arrival: see WaitAsync. It is idempotent and does
// nothing for a completed future or one never polled.
func (f *BarrierFuture) Cancel() {
	if !f.state.cancel() {
		return
	}
	b := f.b
	b.mu.Lock()
	queuedIn := f.w.n
	if !withdraw(&b.waiters, &f.w) && queuedIn == b.gen {
		b.arrived-- // else its generation was released: nothing to withdraw
	}
	b.mu.Unlock()
}
