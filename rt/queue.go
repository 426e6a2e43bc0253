package rt

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// Run queues. Three kinds:
//
//   - localQueue: the current-thread worker's FIFO, owner-only, no atomics; a
//     growable ring that shrinks back when it drains.
//   - ring: a multi-thread worker's fixed-capacity ring. Only its owner pushes
//     and pops (ringOwner); any other worker may steal half of it at once
//     (ringStealer). After Tokio's runtime/scheduler/multi_thread/queue.rs.
//   - injectQueue: the runtime-wide FIFO for work from outside a worker
//     (remote wakes, spawns, overflow): a linked list through
//     taskHeader.qnext behind a mutex, with an atomic length read without it.

// localQueue is a FIFO of runnable tasks owned by one goroutine: the
// goroutine that holds a current-thread runtime's core. It is a growable ring
// buffer; no locks, no atomics.
//
// An entry is a task pointer whose low bits may tag it as held (see "Held
// entries" in doc.go): the core already holds the task's RUNNING bit, taken
// by the wake that queued it (heldWake) or kept by the yield that ended its
// last poll (heldYield). A tagged pointer still points into its task, so the
// collector keeps the task alive; entries are unsafe.Pointers so that no
// misaligned *taskHeader ever exists.
type localQueue struct {
	buf  []unsafe.Pointer // len(buf) is a power of two, or zero
	head int              // index of the oldest element
	n    int              // number of elements
}

// The tags of a local queue entry (and of worker.held).
const (
	heldNone  uintptr = iota // an ordinary entry: the task is Scheduled
	heldWake                 // RUNNING taken by Context.Wake (taskState.wakeHeld)
	heldYield                // RUNNING kept after a poll that ended in a yield
	heldMask  uintptr = 3
)

// localQueueInitial is the first ring size: Tokio's per-worker queue holds 256
// tasks; a current-thread runtime starts there and doubles on demand.
const localQueueInitial = 256

// localQueueShrink: a ring that grew past this many slots goes back to
// localQueueInitial once it drains, so a burst of spawns does not pin its
// high-water mark forever.
const localQueueShrink = 4 * localQueueInitial

func (q *localQueue) len() int { return q.n }

// at returns the i-th oldest queued task and its tag, 0 <= i < len().
func (q *localQueue) at(i int) (*taskHeader, uintptr) {
	return untagEntry(q.buf[(q.head+i)&(len(q.buf)-1)])
}

// untagEntry splits an entry into its task and its tag.
func untagEntry(p unsafe.Pointer) (*taskHeader, uintptr) {
	tag := uintptr(p) & heldMask
	return (*taskHeader)(unsafe.Add(p, -int(tag))), tag
}

func (q *localQueue) push(t *taskHeader) { q.pushTagged(t, heldNone) }

// pushTagged queues t with tag (heldNone for an ordinary entry).
func (q *localQueue) pushTagged(t *taskHeader, tag uintptr) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = unsafe.Add(unsafe.Pointer(t), tag)
	q.n++
}

// pop takes the oldest entry: its task (nil if the queue is empty) and tag.
func (q *localQueue) pop() (*taskHeader, uintptr) {
	if q.n == 0 {
		return nil, heldNone
	}
	p := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	if q.n == 0 && len(q.buf) > localQueueShrink {
		q.buf, q.head = make([]unsafe.Pointer, localQueueInitial), 0
	}
	return untagEntry(p)
}

// release turns every held entry into an ordinary one (taskState.releaseHeld),
// in place: a task dump is about to read the queued tasks' futures, which
// it does only for tasks that nobody holds.
func (q *localQueue) release() {
	for i := 0; i < q.n; i++ {
		j := (q.head + i) & (len(q.buf) - 1)
		h, tag := untagEntry(q.buf[j])
		if tag != heldNone {
			h.state.releaseHeld(uint32(tag >> 1)) // a yield's run counts one poll
			q.buf[j] = unsafe.Pointer(h)
		}
	}
}

func (q *localQueue) grow() {
	size := 2 * len(q.buf)
	if size == 0 {
		size = localQueueInitial
	}
	buf := make([]unsafe.Pointer, size)
	for i := 0; i < q.n; i++ {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

// ring is a multi-thread worker's run queue: a fixed power-of-two ring.
//
// head packs two 32-bit indices, steal (high) and real (low). real is the
// next slot the owner pops; steal is where an in-progress steal started
// (equal to real when no steal is in progress). tail is written only by the
// owner. The slots in [steal, tail) hold tasks; the owner may write a slot
// only when it is outside [steal, tail), so a stealer copying [steal, real)
// after claiming it never sees a slot overwritten. Indices wrap at 2^32;
// differences are taken in uint32.
type ring struct {
	head atomic.Uint64
	_    [56]byte // keep the stealers' head and the owner's tail on separate lines
	tail atomic.Uint32
	mask uint32
	buf  []*taskHeader // slots: written by the owner, read by a stealer after it claimed them
	// otail is the owner's tail: tail plus the pushes not yet published
	// (pushBackQuiet). Owner-only.
	otail uint32
	// The padding makes a ring 128 bytes, a size class whose objects
	// start on a cache-line boundary, so a ring shares no line with the
	// next object: at 96 bytes two workers' rings allocated one after the
	// other put one owner's tail and the next owner's head on one line,
	// and every push of one and pop of the other fought for it (a
	// multi-thread yield took twice as long, depending only on where the
	// rings happened to be allocated).
	_ [28]byte
}

func newRing(capacity int) *ring {
	if capacity < 2 || capacity&(capacity-1) != 0 {
		panic("corio/rt: local queue capacity must be a power of two >= 2")
	}
	return &ring{mask: uint32(capacity - 1), buf: make([]*taskHeader, capacity)}
}

func pack(steal, real uint32) uint64       { return uint64(steal)<<32 | uint64(real) }
func unpack(v uint64) (steal, real uint32) { return uint32(v >> 32), uint32(v) }

func (q *ring) capacity() uint32 { return q.mask + 1 }

// len is a snapshot of the number of queued tasks (exact for the owner when
// no steal is in progress).
func (q *ring) len() int {
	_, real := unpack(q.head.Load())
	return int(q.tail.Load() - real)
}

// ringOwner is the owner's handle on a ring: push and pop.
type ringOwner struct{ q *ring }

// ringStealer is another worker's handle on a ring: steal half.
type ringStealer struct{ q *ring }

// pushBack queues t at the tail. When the ring is full it moves half of it
// plus t to inject in one batch (or, while a steal is in progress and the
// ring is full, just t); it reports whether it overflowed.
func (o ringOwner) pushBack(t *taskHeader, inject *injectQueue) (overflowed bool) {
	overflowed = o.pushBackQuiet(t, inject)
	o.publish()
	return overflowed
}

// publish makes the tasks pushBackQuiet queued visible to stealers (and
// to len): one atomic store for a batch of pushes.
func (o ringOwner) publish() {
	q := o.q
	if q.tail.Load() != q.otail {
		q.tail.Store(q.otail)
	}
}

// pushBackQuiet is pushBack without publishing the new tail: until the
// owner calls publish, the task is in the ring but no stealer sees it, and
// the owner must not pop. A worker's Dispatch queues a driver turn's tasks
// this way and publishes them once after the turn: an atomic store is an
// exchange on amd64, a locked instruction per woken task otherwise.
func (o ringOwner) pushBackQuiet(t *taskHeader, inject *injectQueue) (overflowed bool) {
	q := o.q
	tail := q.otail
	for {
		head := q.head.Load()
		steal, real := unpack(head)
		if tail-steal < q.capacity() {
			break
		}
		if steal != real {
			// A stealer is making room right now; don't wait for it.
			inject.push(t)
			return true
		}
		if o.pushOverflow(t, real, tail, inject) {
			return true
		}
		// A stealer claimed some tasks between the load and the CAS: retry.
	}
	q.buf[tail&q.mask] = t
	q.otail = tail + 1
	return false
}

// pushOverflow moves the older half of a full ring and t to inject as one
// linked batch, under one lock.
func (o ringOwner) pushOverflow(t *taskHeader, head, tail uint32, inject *injectQueue) bool {
	q := o.q
	n := q.capacity() / 2
	if tail-head != q.capacity() {
		panic("corio/rt: ring overflow with a queue that is not full")
	}
	if !q.head.CompareAndSwap(pack(head, head), pack(head+n, head+n)) {
		return false
	}
	// The claimed slots are ours now: no stealer can reach them.
	first := q.buf[head&q.mask]
	last := first
	for i := uint32(1); i < n; i++ {
		h := q.buf[(head+i)&q.mask]
		last.qnext = h
		last = h
	}
	last.qnext = t
	t.qnext = nil
	inject.pushBatch(first, t, int64(n)+1)
	return true
}

// pop takes the task at the head, or returns nil.
func (o ringOwner) pop() *taskHeader {
	q := o.q
	head := q.head.Load()
	for {
		steal, real := unpack(head)
		if real == q.tail.Load() {
			return nil
		}
		next := pack(steal, real+1)
		if steal == real {
			next = pack(real+1, real+1)
		}
		if q.head.CompareAndSwap(head, next) {
			t := q.buf[real&q.mask]
			return t
		}
		head = q.head.Load()
	}
}

// peek returns the task at the head without taking it, or nil. Owner-only:
// only the owner writes the slots, so reading one is no race, though a
// stealer may claim the task before the owner pops it.
func (o ringOwner) peek() *taskHeader {
	q := o.q
	_, real := unpack(q.head.Load())
	if real == q.tail.Load() {
		return nil
	}
	return q.buf[real&q.mask]
}

// isEmpty is a snapshot; any goroutine may call it.
func (q *ring) isEmpty() bool { return q.len() <= 0 }

// stealInto moves about half of the victim's tasks into dst (the caller's own
// ring, which must be empty enough to hold them) and returns one of them to
// run, or nil if there was nothing to steal.
func (s ringStealer) stealInto(dst ringOwner) *taskHeader {
	d := dst.q
	dstTail := d.tail.Load()
	dsteal, _ := unpack(d.head.Load())
	if dstTail-dsteal > d.capacity()/2 {
		return nil // dst has no room for half a ring: it has work anyway
	}
	n := s.stealInto2(d, dstTail)
	if n == 0 {
		return nil
	}
	n-- // the last one stolen is returned, not queued
	t := d.buf[(dstTail+n)&d.mask]
	d.buf[(dstTail+n)&d.mask] = nil
	if n > 0 {
		d.otail = dstTail + n
		d.tail.Store(dstTail + n)
	}
	return t
}

func (s ringStealer) stealInto2(d *ring, dstTail uint32) uint32 {
	q := s.q
	prev := q.head.Load()
	var next uint64
	var n, first uint32
	for {
		steal, real := unpack(prev)
		srcTail := q.tail.Load()
		if steal != real {
			return 0 // another stealer is at work
		}
		n = srcTail - real
		n -= n / 2
		if n == 0 || n > q.capacity() {
			return 0
		}
		first = real
		next = pack(steal, real+n)
		if q.head.CompareAndSwap(prev, next) {
			break
		}
		prev = q.head.Load()
	}
	for i := uint32(0); i < n; i++ {
		d.buf[(dstTail+i)&d.mask] = q.buf[(first+i)&q.mask]
	}
	// Release the claim: steal catches up with real (which the owner may
	// have moved meanwhile by popping).
	prev = next
	for {
		_, real := unpack(prev)
		if q.head.CompareAndSwap(prev, pack(real, real)) {
			return n
		}
		prev = q.head.Load()
	}
}

// injectQueue receives tasks from goroutines that are not polling on one of
// the runtime's workers: remote wakes, aborts, spawns from outside, and ring
// overflow. Once closed (runtime shutdown) it refuses pushes.
type injectQueue struct {
	mu         sync.Mutex
	head, tail *taskHeader // protected by mu; linked through taskHeader.qnext
	closed     bool        // protected by mu
	// size is the number of queued tasks: written under mu, read without it
	// (emptiness checks on hot paths, and the store half of park protocols).
	size atomic.Int64
}

func (iq *injectQueue) len() int64 { return iq.size.Load() }

// push queues h; it reports false (and queues nothing) once closed.
func (iq *injectQueue) push(h *taskHeader) bool {
	h.qnext = nil
	return iq.pushBatch(h, h, 1)
}

// pushBatch queues the linked list first..last of n tasks.
func (iq *injectQueue) pushBatch(first, last *taskHeader, n int64) bool {
	iq.mu.Lock()
	if iq.closed {
		iq.mu.Unlock()
		return false
	}
	if iq.tail == nil {
		iq.head = first
	} else {
		iq.tail.qnext = first
	}
	iq.tail = last
	iq.size.Add(n)
	iq.mu.Unlock()
	return true
}

// popLocked takes the oldest task; the caller holds mu.
func (iq *injectQueue) popLocked() *taskHeader {
	h := iq.head
	if h == nil {
		return nil
	}
	iq.head = h.qnext
	if iq.head == nil {
		iq.tail = nil
	}
	h.qnext = nil
	iq.size.Add(-1)
	return h
}

// pop removes the oldest task, or returns nil.
func (iq *injectQueue) pop() *taskHeader {
	if iq.size.Load() == 0 {
		return nil
	}
	iq.mu.Lock()
	h := iq.popLocked()
	iq.mu.Unlock()
	return h
}

// popN takes up to n of the oldest tasks under one lock and returns them as a
// chain through qnext, oldest first and nil-terminated, or nil if the queue
// is empty. The caller unlinks each task (qnext = nil) before queuing it again.
func (iq *injectQueue) popN(n int) *taskHeader {
	if n <= 0 || iq.size.Load() == 0 {
		return nil
	}
	iq.mu.Lock()
	first := iq.head
	var last *taskHeader
	k := 0
	for h := first; h != nil && k < n; h = h.qnext {
		last = h
		k++
	}
	if last != nil {
		iq.head = last.qnext
		if iq.head == nil {
			iq.tail = nil
		}
		last.qnext = nil
		iq.size.Add(-int64(k))
	}
	iq.mu.Unlock()
	return first
}

// close refuses further pushes and returns what was queued.
func (iq *injectQueue) close() []*taskHeader {
	iq.mu.Lock()
	defer iq.mu.Unlock()
	iq.closed = true
	var out []*taskHeader
	for h := iq.popLocked(); h != nil; h = iq.popLocked() {
		out = append(out, h)
	}
	return out
}
