package rt

import (
	"sync"
	"sync/atomic"
	"testing"
)

// pollGuard is the test futures' debug counter: it fails the test if two
// goroutines poll the same future at once (a double poll).
type pollGuard struct {
	inPoll atomic.Int32
	polls  atomic.Int64
}

func (g *pollGuard) enter(t testing.TB) {
	if !g.inPoll.CompareAndSwap(0, 1) {
		t.Errorf("double poll: future polled concurrently")
	}
	g.polls.Add(1)
}

func (g *pollGuard) exit() { g.inPoll.Store(0) }

// counterFuture is pending k times (waking itself each time), then ready with
// out. It counts polls and Cancel calls.
type counterFuture struct {
	t       testing.TB
	g       pollGuard
	k       int
	out     int
	cancels atomic.Int32
	onPoll  func(n int) // optional, called at each poll with the poll number (from 0)
}

func (f *counterFuture) Poll(cx *Context) (int, bool) {
	f.g.enter(f.t)
	defer f.g.exit()
	n := int(f.g.polls.Load()) - 1
	if f.onPoll != nil {
		f.onPoll(n)
	}
	if n >= f.k {
		return f.out, true
	}
	cx.Waker().Wake()
	return 0, false
}

func (f *counterFuture) Cancel() { f.cancels.Add(1) }

// signalFuture is pending until fire is called (from any goroutine) target
// times in all. It registers the latest waker under a mutex and re-checks the
// count after registering, the standard no-lost-wake-up pattern.
type signalFuture struct {
	t       testing.TB
	g       pollGuard
	target  int64
	fired   atomic.Int64
	mu      sync.Mutex
	waker   Waker // protected by mu
	cancels atomic.Int32
}

func (f *signalFuture) fire() {
	f.fired.Add(1)
	f.mu.Lock()
	w := f.waker
	f.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (f *signalFuture) Poll(cx *Context) (int64, bool) {
	f.g.enter(f.t)
	defer f.g.exit()
	if n := f.fired.Load(); n >= f.target {
		return n, true
	}
	f.mu.Lock()
	f.waker = cx.Waker()
	f.mu.Unlock()
	if n := f.fired.Load(); n >= f.target {
		return n, true
	}
	return 0, false
}

func (f *signalFuture) Cancel() {
	f.cancels.Add(1)
	f.mu.Lock()
	f.waker = nil
	f.mu.Unlock()
}

// chanRecv is a channel-backed future: it receives one value from ch, which a
// sender fills and then wakes through the shared slot.
type chanSlot[T any] struct {
	ch    chan T
	mu    sync.Mutex
	waker Waker // protected by mu
}

func newChanSlot[T any](n int) *chanSlot[T] { return &chanSlot[T]{ch: make(chan T, n)} }

func (s *chanSlot[T]) send(v T) {
	s.ch <- v
	s.mu.Lock()
	w := s.waker
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (s *chanSlot[T]) recv() Future[T] {
	return PollFunc(func(cx *Context) (T, bool) {
		select {
		case v := <-s.ch:
			return v, true
		default:
		}
		s.mu.Lock()
		s.waker = cx.Waker()
		s.mu.Unlock()
		select {
		case v := <-s.ch:
			return v, true
		default:
			var zero T
			return zero, false
		}
	})
}

// readyLeaf is an always-ready leaf: it spends a budget unit per poll and
// yields (wake + pending) when the budget is spent, as corio leaves must.
func readyLeaf(cx *Context) bool {
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return false
	}
	return true
}

// pending is a future that never completes and counts Cancel calls.
type pending struct {
	polls, cancels atomic.Int32
}

func (p *pending) Poll(*Context) (struct{}, bool) { p.polls.Add(1); return struct{}{}, false }
func (p *pending) Cancel()                        { p.cancels.Add(1) }

// seq runs steps in order inside one future: each step is polled until
// ready. It is the shape of a generated state machine.
func seq(steps ...func(cx *Context) bool) Future[struct{}] {
	i := 0
	return PollFunc(func(cx *Context) (struct{}, bool) {
		for i < len(steps) {
			if !steps[i](cx) {
				return struct{}{}, false
			}
			i++
		}
		return struct{}{}, true
	})
}

// await turns a future into a seq step storing its output in *out.
func await[T any](f Future[T], out *T) func(cx *Context) bool {
	return func(cx *Context) bool {
		v, ok := f.Poll(cx)
		if ok && out != nil {
			*out = v
		}
		return ok
	}
}
