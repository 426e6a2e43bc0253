package main

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// Hand-written rt-level synchronisation for the benchmarks, standing in for
// syncx until it exists: a one-shot signal (one waiter), a single-slot
// mailbox (one receiver) and a notify-all (any number of waiters). Each
// follows the future contract as syncx will: register the waker, then
// re-check; the wake happens outside the lock. Each has the direct-mode and
// Async twins that asyncgen needs to treat a call as a suspension point.

// signal is a one-shot event with a single waiter.
type signal struct {
	fired atomic.Bool
	mu    sync.Mutex
	w     rt.Waker // protected by mu
}

// Fire completes the signal; the waiter, if any, is woken.
func (s *signal) Fire() {
	s.fired.Store(true)
	s.mu.Lock()
	w := s.w
	s.w = nil
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// Wait blocks until Fire (direct mode of WaitAsync).
func (s *signal) Wait() { rt.Await(s.WaitAsync()) }

// WaitAsync returns a future ready once Fire was called. It allocates
// nothing: the signal is its own future (one waiter at a time).
func (s *signal) WaitAsync() rt.Future[struct{}] { return (*signalWait)(s) }

type signalWait signal

func (f *signalWait) Poll(cx *rt.Context) (struct{}, bool) {
	s := (*signal)(f)
	if s.fired.Load() {
		return struct{}{}, true
	}
	s.mu.Lock()
	s.w = cx.Waker()
	s.mu.Unlock()
	return struct{}{}, s.fired.Load()
}

// counter fires done when it has been decremented from n to zero.
type counter struct {
	left atomic.Int64
	done signal
}

func newCounter(n int) *counter {
	c := &counter{}
	c.left.Store(int64(n))
	return c
}

func (c *counter) dec() {
	if c.left.Add(-1) == 0 {
		c.done.Fire()
	}
}

// mailbox is a single-slot channel with one sender and one receiver. A send
// never waits: the ping-pong workload alternates strictly, so the slot is
// always empty when a value is sent (a send panics otherwise).
type mailbox struct {
	mu   sync.Mutex
	full bool     // protected by mu
	v    int      // protected by mu
	w    rt.Waker // protected by mu: the receiver's waker

	staged int // owned by the single sender: SendAsync's value
}

// put fills the slot and returns the receiver's waker, if it waits.
func (m *mailbox) put(v int) rt.Waker {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.full {
		panic("asyncbench: mailbox send on a full slot")
	}
	m.v, m.full = v, true
	w := m.w
	m.w = nil
	return w
}

// Send puts v in the slot and wakes the receiver (direct mode of SendAsync).
func (m *mailbox) Send(v int) {
	if w := m.put(v); w != nil {
		w.Wake()
	}
}

// SendAsync returns a future that, at its first poll, puts v in the slot and
// wakes the receiver through cx.Wake — onto the polling worker, with no lock
// and no cross-goroutine wake-up, as a syncx channel send will. It allocates
// nothing: the value is staged in the mailbox (one sender at a time).
func (m *mailbox) SendAsync(v int) rt.Future[struct{}] {
	m.staged = v
	return (*mailboxSend)(m)
}

type mailboxSend mailbox

func (f *mailboxSend) Poll(cx *rt.Context) (struct{}, bool) {
	m := (*mailbox)(f)
	if w := m.put(m.staged); w != nil {
		cx.Wake(w)
	}
	return struct{}{}, true
}

// Recv waits for a value (direct mode of RecvAsync).
func (m *mailbox) Recv() int { return rt.Await(m.RecvAsync()) }

// RecvAsync returns a future of the next value; the mailbox is its own future.
func (m *mailbox) RecvAsync() rt.Future[int] { return (*mailboxRecv)(m) }

type mailboxRecv mailbox

func (f *mailboxRecv) Poll(cx *rt.Context) (int, bool) {
	m := (*mailbox)(f)
	// A leaf: spend budget like a channel receive, so a busy pair yields.
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return 0, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.full {
		m.full = false
		return m.v, true
	}
	m.w = cx.Waker()
	return 0, false
}

// notify wakes every waiter once Close is called; a Wait after Close returns
// at once. Waiters are nodes of an intrusive list inside their futures (one
// allocation per wait, no goroutine), the design syncx.Notify will have.
type notify struct {
	mu     sync.Mutex
	closed bool        // protected by mu
	head   *notifyWait // protected by mu
}

// Close wakes every waiter.
func (n *notify) Close() {
	n.mu.Lock()
	n.closed = true
	head := n.head
	n.head = nil
	var ws []rt.Waker
	for w := head; w != nil; w = w.next {
		w.linked = false
		ws = append(ws, w.waker)
		w.waker = nil
		w.prev = nil
	}
	n.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// Wait blocks until Close (direct mode of WaitAsync).
func (n *notify) Wait() { rt.Await(n.WaitAsync()) }

// WaitAsync returns a future ready once Close was called.
func (n *notify) WaitAsync() rt.Future[struct{}] { return &notifyWait{n: n} }

type notifyWait struct {
	n          *notify
	prev, next *notifyWait // protected by n.mu
	waker      rt.Waker    // protected by n.mu
	linked     bool        // protected by n.mu
}

func (f *notifyWait) Poll(cx *rt.Context) (struct{}, bool) {
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return struct{}{}, true
	}
	f.waker = cx.Waker()
	if !f.linked {
		f.linked = true
		f.prev, f.next = nil, n.head
		if n.head != nil {
			n.head.prev = f
		}
		n.head = f
	}
	return struct{}{}, false
}

// Cancel unlinks the waiter.
func (f *notifyWait) Cancel() {
	n := f.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if !f.linked {
		return
	}
	if f.prev != nil {
		f.prev.next = f.next
	} else {
		n.head = f.next
	}
	if f.next != nil {
		f.next.prev = f.prev
	}
	f.prev, f.next, f.waker, f.linked = nil, nil, nil, false
}
