package main

import (
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
)

// Hand-written rt-level synchronisation for the benchmarks' plumbing (not
// what the rows measure): a one-shot signal (one waiter) and a notify-all
// (any number of waiters), written before syncx existed. Each follows the
// future contract: register the waker, then re-check; the wake happens
// outside the lock. Each has the direct-mode and Async twins that asyncgen
// needs to treat a call as a suspension point.

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
