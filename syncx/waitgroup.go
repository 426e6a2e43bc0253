package syncx

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

// WaitGroup waits for a collection of tasks or goroutines to finish: the
// async twin of sync.WaitGroup. Add adds to a counter, Done subtracts one,
// and Wait (or WaitAsync) waits until the counter is zero. The zero value is
// ready to use; a WaitGroup must not be copied after first use.
//
// Unlike sync.WaitGroup, it may be reused while waiters are still being
// woken: a waiter is released by the counter reaching zero, and an Add that
// starts the next round does not affect it.
type WaitGroup struct {
	mu      sync.Mutex
	count   int      // guarded by mu
	round   int      // guarded by mu: how many times count reached zero with waiters
	waiters waitList // guarded by mu; each waiter's n is the round it waits for
}

// Add adds delta, which may be negative, to the counter. When the counter
// reaches zero, every waiter is woken. It panics if the counter would go
// negative. It never blocks.
func (wg *WaitGroup) Add(delta int) {
	wg.mu.Lock()
	wg.count += delta
	if wg.count < 0 {
		wg.count -= delta
		wg.mu.Unlock()
		panic("corio/syncx: negative WaitGroup counter")
	}
	if wg.count > 0 || wg.waiters.empty() {
		wg.mu.Unlock()
		return
	}
	// Wake this round's waiters. If the wake batch fills, the lock is dropped
	// for a moment: waiters of a later round (queued after a new Add) carry
	// a later round number and stay; a later round that ends within that
	// moment releases the earlier rounds' waiters still queued ahead of its
	// own (hence <=).
	round := wg.round
	wg.round++
	notifyUnlock(&wg.mu, &wg.waiters, nil, true, func(w *waiter) bool { return w.n <= round })
}

// Done subtracts one from the counter.
func (wg *WaitGroup) Done() { wg.Add(-1) }

// Go calls f on a new goroutine, adding it to the group (as sync.WaitGroup.Go).
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		f()
	}()
}

// Wait blocks the calling goroutine until the counter is zero (direct mode of
// WaitAsync). It panics instead if it would have to wait on a goroutine that
// drives a runtime.
func (wg *WaitGroup) Wait() {
	f := waitGroupPool.get()
	f.wg = wg
	directAwait[struct{}](f, "WaitGroup.Wait", "WaitAsync")
	waitGroupPool.put(f)
}

var waitGroupPool directPool[WaitGroupFuture]

// WaitAsync returns a future that is ready once the counter is zero: at its
// first poll if it is zero then, else when it next reaches zero. It spends
// one budget unit per poll.
//
// Cancel-safe: cancelling the pending future removes its waiter; a wait
// holds nothing else.
func (wg *WaitGroup) WaitAsync() *WaitGroupFuture { return &WaitGroupFuture{wg: wg} }

// WaitGroupFuture is the future of WaitGroup.WaitAsync; its output is
// struct{}. It must be polled by one task at a time.
type WaitGroupFuture struct {
	wg    *WaitGroup
	state pendState // owned by the poller
	w     waiter    // guarded by wg.mu
}

// Poll implements rt.Future.
func (f *WaitGroupFuture) Poll(cx *rt.Context) (struct{}, bool) {
	wg := f.wg
	switch f.state {
	case pendDone:
		panic("corio/syncx: WaitGroupFuture polled after completion")
	case pendIdle:
		if !cx.ConsumeBudget() {
			cx.Waker().Wake()
			return struct{}{}, false
		}
		wg.mu.Lock()
		if wg.count == 0 {
			wg.mu.Unlock()
			f.state = pendDone
			return struct{}{}, true
		}
		f.w.n = wg.round
		f.w.waker = cx.Waker()
		wg.waiters.pushBack(&f.w)
		wg.mu.Unlock()
		f.state = pendWaiting
		return struct{}{}, false
	}
	if !repoll(&wg.mu, &f.w, cx) {
		return struct{}{}, false
	}
	f.state = pendDone
	return struct{}{}, true
}

// Cancel abandons the wait: see WaitAsync. It is idempotent and does nothing
// for a completed future or one never polled.
func (f *WaitGroupFuture) Cancel() {
	if !f.state.cancel() {
		return
	}
	wg := f.wg
	wg.mu.Lock()
	withdraw(&wg.waiters, &f.w)
	wg.mu.Unlock()
}
