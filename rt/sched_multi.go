package rt

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corio-go/corio/internal/driver"
)

// multiThread is the work-stealing scheduler: a fixed set of workers, each
// run by a goroutine of its own, each with a ring and a LIFO slot, sharing the
// runtime's inject queue and driver. See "The multi-thread scheduler" in
// doc.go for the protocols.
type multiThread struct {
	r       *Runtime  // immutable
	workers []*worker // immutable
	idle    idleState

	_    [64]byte
	shut atomic.Bool // Shutdown started: workers stop at their next check; read at every spawn into a LIFO slot
	_    [63]byte    // shut alone on its cache line: idle's counters change all the time

	running atomic.Int32  // worker goroutines not yet exited
	exited  chan struct{} // closed by the last worker goroutine to exit

	owned     []ownedShard // immutable slice: every bound task, by id
	ownedMask uint64

	eventInterval int  // immutable
	paused        bool // immutable: the driver's clock is paused
}

// ownedShard is one shard of the multi-thread runtime's list of live tasks:
// tasks bind at spawn and unbind at completion, on any worker, so the list is
// sharded by task id with a mutex per shard (Tokio's OwnedTasks).
type ownedShard struct {
	mu     sync.Mutex
	list   taskList // protected by mu
	closed bool     // protected by mu: shutdown; bind refuses
	_      [32]byte // one shard per cache line (with mu and list)
}

func newMultiThread(r *Runtime, c config) *multiThread {
	m := &multiThread{r: r, eventInterval: c.eventInterval, paused: r.drv.Paused()}
	n := c.workers
	shards := 1
	for shards < 4*n {
		shards <<= 1
	}
	m.owned = make([]ownedShard, shards)
	m.ownedMask = uint64(shards - 1)
	m.workers = make([]*worker, n)
	for i := range m.workers {
		m.workers[i] = newWorker(r, m, i, c)
	}
	m.idle.init(n)
	m.exited = make(chan struct{})
	m.running.Store(int32(n))
	for _, w := range m.workers {
		m.startWorker(w)
	}
	return m
}

// startWorker runs w's loop on a new goroutine; the caller has counted it
// in running. It is also how a worker whose goroutine a task ended with
// runtime.Goexit goes on (runBatch): the new goroutine is counted before
// the old one's deferred decrement runs, so exited is not closed early.
func (m *multiThread) startWorker(w *worker) {
	go func() {
		defer func() {
			if m.running.Add(-1) == 0 {
				close(m.exited)
			}
		}()
		driverFrame(w.runMT)
	}()
}

func (m *multiThread) bind(_ *worker, h *taskHeader) bool {
	return m.list(h, true) // h is being spawned: nothing else sees it yet
}

// bindVisible is bind for a task that other goroutines may already see
// (a joiner may be taking its join lock): an unbound task leaving a LIFO
// slot for a ring, or suspending after its first poll.
func (m *multiThread) bindVisible(h *taskHeader) bool {
	return m.list(h, false)
}

// list puts h on its owned shard (pushNew if fresh: no other goroutine
// sees h yet; else push); false if the shard is closed (the runtime is
// shutting down).
func (m *multiThread) list(h *taskHeader, fresh bool) bool {
	s := &m.owned[h.id&m.ownedMask]
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if fresh {
		s.list.pushNew(h)
	} else {
		s.list.push(h)
	}
	s.mu.Unlock()
	return true
}

// unbind is called for bound tasks only (task.completed).
func (m *multiThread) unbind(_ *worker, h *taskHeader) {
	s := &m.owned[h.id&m.ownedMask]
	s.mu.Lock()
	s.list.remove(h)
	s.mu.Unlock()
}

// unlisted appends the tasks that no owned shard lists: unbound tasks in
// LIFO slots (never polled), in firstPoll (in their first poll, or just
// taken for it) and in displaced (on their way from a slot to a ring),
// each once, complete ones left out. The slots are read before the other
// two words, and the caller reads the shards after all three: a task
// taken from a slot after the slot was read was published in firstPoll or
// displaced before, and one that was bound after that word was read is on
// its shard (see "Owned tasks" in doc.go).
func (m *multiThread) unlisted(out []*taskHeader) []*taskHeader {
	add := func(h *taskHeader) {
		if h != nil && h.flags.Load()&flagBound == 0 && h.state.load()&stateComplete == 0 && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	for _, w := range m.workers {
		if p := w.lifo.Load(); p != nil {
			h, _ := slotTask(p)
			add(h)
		}
	}
	for _, w := range m.workers {
		add(w.firstPoll.Load())
		add(w.displaced.Load())
	}
	return out
}

func (m *multiThread) localDepth() int {
	n := 0
	for _, w := range m.workers {
		n += max(w.ring.len(), 0)
		if w.lifo.Load() != nil {
			n++
		}
	}
	return n
}

// liveTasks counts the bound tasks and the unlisted ones. A task bound
// between the two reads counts twice: the gauge is exact while nothing
// is being spawned.
func (m *multiThread) liveTasks() int {
	n := len(m.unlisted(make([]*taskHeader, 0, 3*len(m.workers))))
	for i := range m.owned {
		s := &m.owned[i]
		s.mu.Lock()
		n += s.list.n
		s.mu.Unlock()
	}
	return n
}

func (m *multiThread) drivenHere() bool { return onDriverStack() }

// unparkOne is called after a push onto the inject queue.
func (m *multiThread) unparkOne() { m.notifyParked() }

// notifyParked wakes one parked worker if no worker is searching (a searcher
// will find the work) and some worker is parked (Go's wakep rule).
func (m *multiThread) notifyParked() {
	if id := m.idle.workerToNotify(m.workers); id >= 0 {
		m.r.stats.notifies.Add(1)
		m.workers[id].park.unpark(m.r.drv)
	}
}

// hasWork reports whether any queue holds a task: what the last searcher
// re-checks before it parks.
func (m *multiThread) hasWork() bool {
	if m.r.inject.len() > 0 {
		return true
	}
	for _, w := range m.workers {
		if !w.ring.isEmpty() {
			return true
		}
	}
	return false
}

// runMT is a worker goroutine's loop: run batches of tasks, maintain, park.
func (w *worker) runMT() {
	m := w.mt
	fenceJoin(w)
	for !m.shut.Load() {
		w.fenceBatch()
		n := w.runBatch(m.eventInterval, (*worker).nextMT)
		if w.adaptive {
			w.timeBatch(n == m.eventInterval)
		}
		if n > 0 {
			w.stats.flush(&m.r.stats)
			if n == m.eventInterval {
				// A busy worker polls the driver without blocking every
				// event interval, so timers and I/O are not starved by
				// CPU-bound tasks. It takes no more events than its ring
				// has room for (at least one; see ringRoom).
				if d := m.r.drv; d.TryLock() {
					w.noteTurn(d.ParkToN(0, false, max(w.ringRoom(), 1), w))
					w.publishTurn()
					d.Unlock()
					if w.dispatched > 0 {
						// The tasks the driver woke joined this busy
						// worker's ring: let a parked worker share them.
						w.dispatched = 0
						if w.ring.len() > 1 {
							m.notifyParked()
						}
					}
				}
			}
			continue
		}
		w.fenceOffline()
		w.parkMT()
	}
	if h := w.next; h != nil {
		// A panic ended the last batch after a wake into the private
		// slot: this worker holds the task's RUNNING bit, so it cancels
		// the task (Shutdown finds it running on the owned list).
		w.next = nil
		h.self().cancelTask(w)
	}
	fenceLeave(w)
	w.stats.flush(&m.r.stats)
}

// nextMT takes the next task: every interval-th tick the inject queue first;
// then a task left in the LIFO slot (after a panic); the ring; a batch from
// the inject queue; finally stealing (as a searcher, if allowed).
func (w *worker) nextMT() *taskHeader {
	w.tick++
	if w.tick%w.interval == 0 {
		if h := w.rt.inject.pop(); h != nil {
			w.stats.injectTakes++
			return w.found(h)
		}
	}
	if h := w.next; h != nil {
		// Woken into the private slot during the last poll of a LIFO run
		// (see wakeLocal), or left there by a poll that panicked after its
		// wake: the ring's next pop, as it would have been.
		w.next, w.held = nil, heldWake
		return h
	}
	if w.lifo.Load() != nil { // inline: takeLIFO is a call
		if h, tag := w.takeLIFO(w); h != nil {
			w.held = tag
			return w.found(h)
		}
	}
	if h := w.run.pop(); h != nil {
		w.touchNext()
		return w.found(h)
	}
	if h := w.refill(); h != nil {
		return w.found(h)
	}
	if h := w.steal(); h != nil {
		return w.found(h)
	}
	return nil
}

// found ends a search that found h: if this was the last searcher, it wakes
// another worker to keep searching (Go's spinning-M rule), since finding one
// task suggests there is more.
func (w *worker) found(h *taskHeader) *taskHeader {
	if w.searching {
		w.searching = false
		if w.mt.idle.transitionFromSearching() {
			w.mt.notifyParked()
		}
	}
	return h
}

// refill moves a batch from the inject queue into the ring (a fair share: the
// queue's length over the workers, at most half a ring) and returns one task.
func (w *worker) refill() *taskHeader {
	iq := &w.rt.inject
	size := iq.len()
	if size == 0 {
		return nil
	}
	q := w.ring
	room := int64(q.capacity()) - int64(q.len())
	n := min(size/int64(len(w.mt.workers))+1, int64(q.capacity()/2), room)
	if n <= 0 {
		h := iq.pop()
		if h != nil {
			w.stats.injectTakes++
		}
		return h
	}
	first := iq.popN(int(n))
	if first == nil {
		return nil
	}
	w.stats.injectTakes++
	// The chain is ours now; queue all but the first (room was checked, and
	// only this worker pushes onto its ring).
	for t := first.qnext; t != nil; {
		next := t.qnext
		t.qnext = nil
		w.pushRing(t)
		w.stats.injectTakes++
		t = next
	}
	first.qnext = nil
	return first
}

// steal looks for work on the other workers, as a searcher: half of a
// victim's ring, then the inject queue, then (after one Gosched, to let its
// owner run it) a task stranded in a victim's LIFO slot.
func (w *worker) steal() *taskHeader {
	m := w.mt
	if !w.searching {
		if !m.idle.transitionToSearching() {
			return nil
		}
		w.searching = true
	}
	n := len(m.workers)
	w.rand ^= w.rand << 13
	w.rand ^= w.rand >> 17
	w.rand ^= w.rand << 5
	start := int(w.rand % uint32(n))
	for i := 0; i < n; i++ {
		v := m.workers[(start+i)%n]
		if v == w {
			continue
		}
		before := w.ring.len()
		if h := (ringStealer{v.ring}).stealInto(w.run); h != nil {
			w.stats.steals++
			w.stats.stolen += uint64(max(w.ring.len()-before, 0)) + 1
			return h
		}
	}
	if h := w.refill(); h != nil {
		return h
	}
	for i := 0; i < n; i++ {
		v := m.workers[(start+i)%n]
		if v == w || v.lifo.Load() == nil {
			continue
		}
		runtime.Gosched()
		if h, tag := w.takeLIFO(v); h != nil {
			w.held = tag
			w.stats.steals++
			w.stats.stolen++
			return h
		}
	}
	return nil
}

// parkMT parks the worker until it is notified (or the runtime shuts down).
// The worker that holds the driver parks in it; the others sleep on their own
// parker. The last searcher to park re-checks every queue first, so work
// pushed while every worker was going to sleep is not stranded.
func (w *worker) parkMT() {
	m := w.mt
	w.stats.flush(&m.r.stats)
	if m.idle.transitionToParked(w.index, w.searching) && m.hasWork() {
		m.notifyParked()
	}
	w.searching = false
	if m.paused && m.idle.allParked() {
		// The last worker to go idle: the driver's holder may have parked
		// while others were busy (without auto-advance); make it park again
		// and see that every worker is idle now.
		m.r.drv.Unpark()
	}
	for !m.shut.Load() {
		w.stats.parks++
		// On a paused clock the driver may jump to the next timer only when
		// every worker is idle and nothing is queued.
		auto := m.paused && m.idle.allParked() && m.r.inject.len() == 0
		w.park.park(m.r.drv, auto, w)
		w.stats.unparks++
		if w.dispatched > 0 {
			// The driver woke tasks onto this worker's ring while it
			// parked in it: run them here, with no other worker woken for
			// the first (Tokio's "driver wake goes to the parking core").
			// A notification that raced with the park is kept (the worker
			// then counts as a searcher, as the notifier counted it).
			n := w.dispatched
			w.dispatched = 0
			w.searching = m.idle.unparkSelf(w.index)
			if n > 1 {
				m.notifyParked() // more than this worker runs next
			}
			return
		}
		if m.idle.transitionFromParked(w.index) {
			w.searching = true // notified workers start as searchers
			return
		}
	}
}

// shutdown stops the workers (waiting up to timeout for a poll in progress to
// end), then cancels every task that has not completed on the calling
// goroutine. A task stuck in a poll on a worker that did not stop in time is
// marked CANCELLED: its worker cancels it when the poll returns.
func (m *multiThread) shutdown(timeout time.Duration) bool {
	r := m.r
	r.inject.close()
	for i := range m.owned {
		s := &m.owned[i]
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	}
	m.shut.Store(true)
	for _, w := range m.workers {
		w.park.unpark(r.drv)
	}
	stopped := waitTimeout(m.exited, timeout)
	// A task in a LIFO slot that was never polled is on no owned list:
	// cancel it here. A worker that did not stop may still spawn into
	// its slot; it sees shut and takes such a task back (spawnLocal).
	// A held entry's RUNNING bit passes to Shutdown with the entry: its
	// task is cancelled here too (the owned list would find it running).
	for _, w := range m.workers {
		p := w.lifo.Swap(nil)
		if p == nil {
			continue
		}
		switch h, tag := slotTask(p); {
		case tag != heldNone:
			h.self().cancelTask(nil)
			r.stats.completed.Add(1)
		case h.flags.Load()&flagBound == 0:
			r.cancelUnstarted(h)
		}
	}
	if stopped {
		// Ring entries left behind are stale now (their tasks are bound and
		// get cancelled below): drop them so they hold no memory.
		for _, w := range m.workers {
			for w.run.pop() != nil {
			}
		}
	}
	var batch []*taskHeader
	for i := range m.owned {
		s := &m.owned[i]
		for {
			batch = batch[:0]
			s.mu.Lock()
			for h := s.list.head; h != nil; h = h.next {
				batch = append(batch, h)
			}
			s.mu.Unlock()
			progress := false
			for _, h := range batch {
				if h.state.shutdown() {
					h.self().cancelTask(nil)
					r.stats.completed.Add(1)
					progress = true
				} else if h.state.load()&stateComplete != 0 {
					m.unbind(nil, h)
					progress = true
				}
				// else: running on a worker that did not stop; it cancels.
			}
			if !progress {
				break
			}
		}
	}
	return stopped
}

// waitTimeout waits for done to be closed, at most timeout (negative: no
// limit).
func waitTimeout(done <-chan struct{}, timeout time.Duration) bool {
	if timeout < 0 {
		<-done
		return true
	}
	select {
	case <-done:
		return true
	default:
	}
	expired := time.NewTimer(timeout)
	defer expired.Stop()
	select {
	case <-done:
		return true
	case <-expired.C:
		return false
	}
}

// blockOn polls main on the calling goroutine, which is not a worker: it
// sleeps on a parker between wake-ups while the workers run the tasks.
func (m *multiThread) blockOn(main func(cx *Context) bool) {
	p := parkerPool.Get().(*parker)
	defer parkerPool.Put(p)
	cx := Context{waker: p, rt: m.r, drv: m.r.drv}
	for {
		cx.reset(p)
		m.r.stats.mainPolls.Add(1)
		done := main(&cx)
		cx.flushTimers()
		if done {
			return
		}
		<-p.ch
	}
}

// idleState tracks parked and searching workers (Tokio's Idle): one atomic
// word packs the number of searching workers (high half) and of unparked
// workers (low half), so the notify fast path is one load; the list of
// sleepers is behind a mutex.
type idleState struct {
	state atomic.Uint64
	n     uint32 // immutable: number of workers

	mu       sync.Mutex
	sleepers []int  // protected by mu: parked workers, most recent last
	asleep   []bool // protected by mu: by worker index
}

const searchingOne = 1 << 32

func (s *idleState) init(n int) {
	s.n = uint32(n)
	s.state.Store(uint64(n)) // all unparked, none searching
	s.asleep = make([]bool, n)
	s.sleepers = make([]int, 0, n)
}

func numSearching(st uint64) uint32 { return uint32(st >> 32) }
func numUnparked(st uint64) uint32  { return uint32(st) }

func (s *idleState) shouldNotify(st uint64) bool {
	return numSearching(st) == 0 && numUnparked(st) < s.n
}

// workerToNotify picks a parked worker to wake, already counted as unparked
// and searching, or returns -1 if none should be woken.
//
// It prefers the most recently parked worker that is not sleeping in the
// driver: waking a channel sleeper is a goroutine hand-off, while waking the
// driver's holder is an eventfd write and a return from a blocking syscall,
// and the holder keeps the driver parked for the others.
func (s *idleState) workerToNotify(workers []*worker) int {
	if !s.shouldNotify(s.state.Load()) {
		return -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sleepers)
	if !s.shouldNotify(s.state.Load()) || n == 0 {
		return -1
	}
	s.state.Add(searchingOne + 1)
	i := n - 1
	if n > 1 && workers[s.sleepers[i]].park.state.Load() == parkedDriver {
		i = n - 2 // only one worker holds the driver
	}
	id := s.sleepers[i]
	copy(s.sleepers[i:], s.sleepers[i+1:])
	s.sleepers = s.sleepers[:n-1]
	s.asleep[id] = false
	return id
}

// transitionToSearching counts the caller as a searcher, unless half the
// workers already search (the cap that keeps idle workers from burning CPU
// on each other's queues).
func (s *idleState) transitionToSearching() bool {
	st := s.state.Load()
	if 2*numSearching(st) >= s.n {
		return false
	}
	s.state.Add(searchingOne)
	return true
}

// transitionFromSearching uncounts a searcher and reports whether it was the
// last one.
func (s *idleState) transitionFromSearching() bool {
	prev := s.state.Add(^uint64(searchingOne-1)) + searchingOne
	return numSearching(prev) == 1
}

// transitionToParked lists worker id as parked and reports whether it was the
// last searcher (then it must re-check every queue).
func (s *idleState) transitionToParked(id int, searching bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	dec := uint64(1)
	if searching {
		dec += searchingOne
	}
	prev := s.state.Add(-dec) + dec
	s.sleepers = append(s.sleepers, id)
	s.asleep[id] = true
	return searching && numSearching(prev) == 1
}

// transitionFromParked reports whether worker id was notified (taken off the
// sleepers by workerToNotify); false means a spurious wake-up.
func (s *idleState) transitionFromParked(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.asleep[id]
}

// unparkSelf takes worker id off the sleepers and counts it as unparked, not
// searching: it found work of its own while parked (the driver dispatched
// tasks onto its ring). If a notifier took it off first, it is already
// counted as unparked and searching; unparkSelf then reports true.
func (s *idleState) unparkSelf(id int) (searching bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.asleep[id] {
		return true
	}
	s.asleep[id] = false
	for i, v := range s.sleepers {
		if v == id {
			s.sleepers = append(s.sleepers[:i], s.sleepers[i+1:]...)
			break
		}
	}
	s.state.Add(1)
	return false
}

func (s *idleState) allParked() bool { return numUnparked(s.state.Load()) == 0 }

// wparker is a worker's sleep: in the driver if it took the driver's lock,
// otherwise on its own channel. unpark from any goroutine wakes whichever.
type wparker struct {
	state atomic.Int32
	ch    chan struct{} // capacity 1: the one token of a parkedChan wake-up
}

const (
	parkEmpty int32 = iota
	parkedChan
	parkedDriver
	parkNotified
)

func (p *wparker) park(d *driver.Driver, autoAdvance bool, w *worker) {
	if p.state.CompareAndSwap(parkNotified, parkEmpty) {
		return
	}
	if d.TryLock() {
		// As on the current-thread runtime: a few scheduler rounds before
		// the blocking syscall, for a wake that is about to come.
		for i := w.parkSpins(); i > 0 && p.state.Load() != parkNotified; i-- {
			runtime.Gosched()
		}
		if p.state.CompareAndSwap(parkEmpty, parkedDriver) {
			w.noteTurn(d.ParkToN(-1, autoAdvance, max(w.ringRoom(), 1), w))
			w.publishTurn()
		}
		p.state.Store(parkEmpty) // consume a notification, if any
		d.Unlock()
		return
	}
	if !p.state.CompareAndSwap(parkEmpty, parkedChan) {
		p.state.Store(parkEmpty)
		return
	}
	<-p.ch
	p.state.Store(parkEmpty)
}

// unpark wakes the worker's current or next park. The caller published the
// work (or the shutdown flag) before calling it.
func (p *wparker) unpark(d *driver.Driver) {
	switch p.state.Swap(parkNotified) {
	case parkedChan:
		p.ch <- struct{}{}
	case parkedDriver:
		d.Unpark()
	}
}
