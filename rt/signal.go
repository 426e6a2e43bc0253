package rt

import (
	"os"
	"os/signal"
	"sync"
)

// Signals.
//
// Signals live in rt, not beside the sockets, because they are a
// process-wide event source like the clock: any async program (a worker
// pool, a batch job, a server) wants SIGINT/SIGTERM for a graceful
// shutdown, and none of it concerns a descriptor. Go's os/signal already
// owns the process's signal handlers, so corio does not install its own
// (a self-pipe on the reactor, Tokio's way, would fight it): a Signals
// forwards os/signal's deliveries to the task waiting in Recv.

// Signals is an async stream of incoming OS signals, made by NotifySignals.
// One task (or goroutine) at a time may wait in Recv.
type Signals struct {
	c chan os.Signal // os/signal delivers here; closed by Stop

	mu      sync.Mutex
	queue   []os.Signal // protected by mu: delivered, not yet received
	waker   Waker       // protected by mu: the task waiting in Recv
	stopped bool        // protected by mu
}

// signalQueueMax bounds the signals kept for a Signals nobody receives from;
// later ones are dropped, as os/signal drops them when its channel is full.
const signalQueueMax = 64

// NotifySignals starts relaying the given signals (every incoming signal if
// none are given, as signal.Notify) to the returned Signals, until Stop. It
// starts one goroutine, which Stop ends.
func NotifySignals(sigs ...os.Signal) *Signals {
	s := &Signals{c: make(chan os.Signal, 8)}
	signal.Notify(s.c, sigs...)
	go s.relay()
	return s
}

func (s *Signals) relay() {
	for sig := range s.c {
		s.mu.Lock()
		if len(s.queue) < signalQueueMax {
			s.queue = append(s.queue, sig)
		}
		w := s.waker
		s.waker = nil
		s.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	}
}

// Recv blocks until a signal arrives and returns it with true; after Stop,
// once the signals already delivered are received, it returns nil, false.
// It is the direct mode of RecvAsync.
func (s *Signals) Recv() (os.Signal, bool) {
	out := Await(s.RecvAsync())
	return out.V0, out.V1
}

// RecvAsync returns a future of Recv's results. It allocates nothing and
// spends one budget unit per poll; cancelling it loses no signal.
func (s *Signals) RecvAsync() Future[Tuple2[os.Signal, bool]] { return (*signalRecv)(s) }

// Stop stops relaying signals to s (signal.Stop) and ends its goroutine; a
// pending Recv returns nil, false once the queue is drained. Stop is
// idempotent.
func (s *Signals) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	s.mu.Unlock()
	signal.Stop(s.c) // no send to s.c after this returns
	close(s.c)
	s.mu.Lock()
	w := s.waker
	s.waker = nil
	s.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

type signalRecv Signals

func (f *signalRecv) Poll(cx *Context) (Tuple2[os.Signal, bool], bool) {
	if !cx.ConsumeBudget() {
		cx.Waker().Wake()
		return Tuple2[os.Signal, bool]{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) > 0 {
		sig := f.queue[0]
		f.queue = append(f.queue[:0], f.queue[1:]...)
		return Tuple2[os.Signal, bool]{V0: sig, V1: true}, true
	}
	if f.stopped {
		return Tuple2[os.Signal, bool]{}, true
	}
	f.waker = cx.Waker()
	return Tuple2[os.Signal, bool]{}, false
}

// Cancel forgets the waiting task.
func (f *signalRecv) Cancel() {
	f.mu.Lock()
	f.waker = nil
	f.mu.Unlock()
}
