package rt

import (
	"sync"
	"sync/atomic"
)

// localQueue is a FIFO of runnable tasks owned by one goroutine: the goroutine
// that holds the runtime's core. It is a growable ring buffer; no locks, no
// atomics. The type is only reachable through core, which carries the
// ownership. At the time of writing the ring never shrinks: a burst of spawns
// keeps its high-water mark (8 bytes per slot).
type localQueue struct {
	buf  []*taskHeader // len(buf) is a power of two, or zero
	head int           // index of the oldest element
	n    int           // number of elements
}

// localQueueInitial is the first ring size: Tokio's per-worker queue holds 256
// tasks; a current-thread runtime starts there and doubles on demand.
const localQueueInitial = 256

func (q *localQueue) len() int { return q.n }

func (q *localQueue) push(t *taskHeader) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = t
	q.n++
}

func (q *localQueue) pop() *taskHeader {
	if q.n == 0 {
		return nil
	}
	t := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return t
}

func (q *localQueue) grow() {
	size := 2 * len(q.buf)
	if size == 0 {
		size = localQueueInitial
	}
	buf := make([]*taskHeader, size)
	for i := 0; i < q.n; i++ {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

// injectQueue receives tasks from goroutines that do not hold the core:
// remote wakes, aborts, direct-mode spawns. Once closed (runtime shutdown) it
// refuses pushes. Pushes go through Runtime.pushInject, which also decides
// under mu whether to start the background driver.
type injectQueue struct {
	mu     sync.Mutex
	q      localQueue // protected by mu
	closed bool       // protected by mu
	// size mirrors q.n for lock-free emptiness checks. Written under mu, read
	// without it; it is the store half of the park protocol (see park).
	size atomic.Int64
}

// pop removes the oldest task, or returns nil.
func (iq *injectQueue) pop() *taskHeader {
	if iq.size.Load() == 0 {
		return nil
	}
	iq.mu.Lock()
	t := iq.q.pop()
	if t != nil {
		iq.size.Add(-1)
	}
	iq.mu.Unlock()
	return t
}

// close refuses further pushes and returns what was queued.
func (iq *injectQueue) close() []*taskHeader {
	iq.mu.Lock()
	defer iq.mu.Unlock()
	iq.closed = true
	var out []*taskHeader
	for t := iq.q.pop(); t != nil; t = iq.q.pop() {
		out = append(out, t)
	}
	iq.size.Store(0)
	return out
}
