package rt

import (
	rdebug "runtime/debug"
	"sync"
	"sync/atomic"
)

// debug enables internal consistency checks that cost time on hot paths.
const debug = false

// injectInterval: every injectInterval-th task the core takes from the inject
// queue before its local queue, so that remote wakes are not starved by tasks
// that keep re-waking themselves locally. 61 is Tokio's global_queue_interval
// default: a prime, so that it does not resonate with periodic workloads.
const injectInterval = 61

// mainPollInterval: BlockOn re-checks its main future (and flushes metrics)
// after at most this many task polls. Tokio's event_interval, also 61.
const mainPollInterval = 61

// Runtime is a current-thread runtime: tasks spawned on it are polled by
// whichever goroutine is inside BlockOn for it, one at a time, and only while
// that call lasts. Create one with NewCurrentThread; the zero value is not
// usable. (The multi-thread flavour, with per-worker queues and stealing, is
// a later addition; it will reuse the task state word and the inject queue.)
type Runtime struct {
	inject injectQueue // wakes, aborts and spawns from outside the core

	// Park protocol (see park). parked is set by the core holder just before
	// it sleeps on unpark; a waker that publishes work and then wins the CAS
	// parked true->false sends the single token.
	parked atomic.Bool
	unpark chan struct{} // capacity 1; at most one token outstanding

	mainWoken atomic.Bool // BlockOn's main future was woken; consumed by the core holder

	coreMu sync.Mutex // held by the goroutine driving the runtime (BlockOn, the background driver, Shutdown)
	core   core       // protected by coreMu

	// driving is true while a goroutine holding coreMu drives the runtime;
	// Shutdown reads it to refuse shutting down from a runtime goroutine
	// (see onDriverStack). Written by the driver, atomic.
	driving atomic.Bool

	background bool // immutable: driven by a background goroutine (the default runtime)
	// driverActive is protected by inject.mu: a background driver goroutine
	// exists (running or about to take coreMu). Only for background runtimes.
	driverActive bool

	stats runtimeStats
}

// core is the scheduler state owned by the goroutine holding Runtime.coreMu.
type core struct {
	rt    *Runtime   // immutable
	local localQueue // owner-only
	owned taskList   // owner-only: every spawned, not yet completed task bound to this runtime
	tick  uint32     // owner-only: tasks taken from queues, for injectInterval
	cx    Context    // owner-only: reused for every poll
	// polling is the task whose Poll is running, for runBatch's recover.
	// Owner-only; nil between polls.
	polling runner
	stats   coreStats // owner-only; flushed into Runtime.stats
	shut    bool      // owner-only: Shutdown ran
}

// taskList is an intrusive doubly linked list through taskHeader.prev/next.
type taskList struct {
	head *taskHeader
	n    int
}

func (c *core) bind(h *taskHeader) {
	if debug && h.bound {
		panic("corio/rt: task bound twice")
	}
	h.bound = true
	h.prev, h.next = nil, c.owned.head
	if c.owned.head != nil {
		c.owned.head.prev = h
	}
	c.owned.head = h
	c.owned.n++
}

func (c *core) unbind(h *taskHeader) {
	if !h.bound {
		return
	}
	if h.prev != nil {
		h.prev.next = h.next
	} else {
		c.owned.head = h.next
	}
	if h.next != nil {
		h.next.prev = h.prev
	}
	h.prev, h.next, h.bound = nil, nil, false
	c.owned.n--
}

// NewCurrentThread returns a current-thread runtime. It starts no goroutine:
// its tasks run only inside BlockOn. Call Shutdown when done with it.
func NewCurrentThread() *Runtime {
	return newRuntime(false)
}

func newRuntime(background bool) *Runtime {
	r := &Runtime{unpark: make(chan struct{}, 1), background: background}
	r.core.rt = r
	r.core.cx.core = &r.core
	return r
}

// mainWaker is the waker of BlockOn's main future: the Runtime itself under
// another method set, so it allocates nothing.
type mainWaker Runtime

func (w *mainWaker) Wake() {
	r := (*Runtime)(w)
	if !r.mainWoken.Swap(true) {
		r.unparkDriver()
	}
}

// pushRemote queues a task from a goroutine that may not hold the core. If the
// runtime was shut down the push is dropped: every task that was not complete
// at shutdown is cancelled by Shutdown itself.
func (r *Runtime) pushRemote(h *taskHeader) {
	ok, startDriver := r.pushInject(h)
	if ok {
		r.unparkDriver()
	}
	if startDriver {
		go r.driveBackground()
	}
}

func (r *Runtime) pushInject(h *taskHeader) (ok, startDriver bool) {
	iq := &r.inject
	iq.mu.Lock()
	defer iq.mu.Unlock()
	if iq.closed {
		return false, false
	}
	iq.q.push(h)
	iq.size.Add(1)
	if r.background && !r.driverActive {
		r.driverActive = true
		startDriver = true
	}
	return true, startDriver
}

// unparkDriver wakes the core holder if it is parked. It must be called after
// the work it announces is published (inject.size or mainWoken stored).
func (r *Runtime) unparkDriver() {
	if r.parked.Load() && r.parked.CompareAndSwap(true, false) {
		r.unpark <- struct{}{}
	}
}

// park sleeps until a waker announces work. The ordering that guarantees no
// lost wake-up (all operations sequentially consistent):
//
//	core holder                     waker
//	1. parked.Store(true)           a. publish: inject.size.Add / mainWoken.Store
//	2. load inject.size, mainWoken  b. parked.CompareAndSwap(true, false)
//	3. receive from unpark          c. if b won: send on unpark
//
// In the total order either 1 precedes b (the waker sees parked and sends the
// token that 3 receives) or b precedes 1, hence a precedes 2 (the core sees
// the work and does not sleep). If both happen, the core's own CAS in the
// "found work" branch fails, so it takes the token the waker is sending and
// the channel is empty again before the next park.
func (c *core) park(withMain bool) {
	r := c.rt
	c.flushStats()
	r.parked.Store(true)
	if r.inject.size.Load() > 0 || (withMain && r.mainWoken.Load()) {
		if !r.parked.CompareAndSwap(true, false) {
			<-r.unpark
		}
		return
	}
	r.stats.parks.Add(1)
	<-r.unpark
}

// next takes the next runnable task: local queue first, except every
// injectInterval-th call, which looks at the inject queue first.
func (c *core) next() *taskHeader {
	c.tick++
	if c.tick%injectInterval == 0 {
		if h := c.popInject(); h != nil {
			return h
		}
	}
	if h := c.local.pop(); h != nil {
		return h
	}
	// The local queue is empty: move a batch from the inject queue under one
	// lock, so that remotely woken tasks keep their FIFO order among
	// themselves and the lock is taken once per batch, not per task.
	if c.rt.inject.size.Load() == 0 {
		return nil
	}
	iq := &c.rt.inject
	iq.mu.Lock()
	for i := 0; i < injectBatch; i++ {
		h := iq.q.pop()
		if h == nil {
			break
		}
		iq.size.Add(-1)
		c.adopt(h)
		c.local.push(h)
	}
	iq.mu.Unlock()
	return c.local.pop()
}

// injectBatch is how many tasks one refill takes from the inject queue: a
// quarter of the initial local ring, so a refill never has to grow it.
const injectBatch = localQueueInitial / 4

func (c *core) popInject() *taskHeader {
	h := c.rt.inject.pop()
	if h != nil {
		c.adopt(h)
	}
	return h
}

// adopt binds a task that came through the inject queue if it was spawned
// from another goroutine: the runtime takes ownership when it first sees it.
func (c *core) adopt(h *taskHeader) {
	if !h.bound {
		c.bind(h)
	}
}

// spawnLocal starts a task from the core holder (SpawnAsync inside a task).
func (c *core) spawnLocal(h *taskHeader) {
	h.rt = c.rt
	h.state.start()
	c.bind(h)
	c.local.push(h)
	c.stats.spawned++
}

// spawnRemote starts a task from any goroutine. If the runtime was shut down,
// the task is cancelled at once on the calling goroutine (it was never polled).
func (r *Runtime) spawnRemote(h *taskHeader) {
	h.rt = r
	h.state.start()
	r.stats.spawned.Add(1)
	ok, startDriver := r.pushInject(h)
	if !ok {
		if h.state.shutdown() {
			h.self.cancelTask(nil)
			r.stats.completed.Add(1)
		}
		return
	}
	r.unparkDriver()
	if startDriver {
		go r.driveBackground()
	}
}

// drive runs tasks until pollMain reports the main future ready, or, for a
// background runtime (pollMain == nil), until the runtime has no tasks left.
func (c *core) drive(pollMain func() bool) {
	r := c.rt
	for {
		if pollMain != nil && r.mainWoken.Swap(false) {
			if pollMain() {
				return
			}
		}
		if n := c.runBatch(); n > 0 {
			c.flushStats()
			continue
		}
		if pollMain == nil {
			if c.owned.n == 0 && r.stopBackground() {
				return
			}
		} else if r.mainWoken.Load() {
			continue
		}
		c.park(pollMain != nil)
	}
}

// runBatch runs up to mainPollInterval tasks and returns how many it ran. It
// is also where a panic in a task's Poll is recovered: one deferred recover
// per batch instead of one per poll. After a panic the batch ends early (the
// panicking task counts as run) and drive starts the next one.
func (c *core) runBatch() (n int) {
	defer func() {
		t := c.polling
		if t == nil {
			return // not a task panic (or no panic): let it propagate
		}
		c.polling = nil
		p := recover()
		if p == nil {
			// Only runtime.Goexit unwinds without a panic value; the goroutine
			// is exiting, but the task must still complete for its joiners.
			p = "corio/rt: runtime.Goexit called inside a task"
		}
		t.panicked(c, p, rdebug.Stack())
		n++
	}()
	for n < mainPollInterval {
		h := c.next()
		if h == nil {
			return n
		}
		h.self.run(c)
		n++
	}
	return n
}

// stopBackground ends the background driver if nothing was queued meanwhile.
func (r *Runtime) stopBackground() bool {
	r.inject.mu.Lock()
	defer r.inject.mu.Unlock()
	if r.inject.q.len() > 0 {
		return false
	}
	r.driverActive = false
	return true
}

func (r *Runtime) driveBackground() {
	r.coreMu.Lock()
	defer r.coreMu.Unlock()
	r.driving.Store(true)
	defer r.driving.Store(false)
	driverFrame(&r.core, nil)
	r.core.flushStats()
}

// BlockOn runs f to completion on the calling goroutine as r's main future and
// returns its output. While f is pending, the same goroutine polls r's spawned
// tasks; when nothing is runnable it sleeps until a wake-up (from a task, from
// another goroutine, from an I/O or timer source) — it never spins.
//
// Calls of BlockOn on one runtime are serialized: a second concurrent call
// waits until the first returns. BlockOn must not be called from a goroutine
// that is driving a runtime (inside a task or another BlockOn): it panics. It
// panics if r was shut down. A panic in f propagates out of BlockOn unchanged;
// r stays usable.
func BlockOn[T any](r *Runtime, f Future[T]) T {
	checkNotOnDriver("BlockOn", "AwaitAsync")
	r.coreMu.Lock()
	defer r.coreMu.Unlock()
	c := &r.core
	if c.shut {
		panic("corio/rt: BlockOn on a runtime that was shut down")
	}
	r.driving.Store(true)
	defer r.driving.Store(false)
	defer c.flushStats()
	var out T
	w := (*mainWaker)(r)
	r.mainWoken.Store(true)
	driverFrame(c, func() bool {
		c.cx.reset(w)
		c.stats.mainPolls++
		v, ok := f.Poll(&c.cx)
		if ok {
			out = v
		}
		return ok
	})
	return out
}

// Run runs f to completion on a fresh current-thread runtime, shuts the
// runtime down (cancelling tasks still pending) and returns f's output. If f
// panics, Run panics with the same value, after the shutdown; the goroutine's
// stack trace still shows where the panic happened.
func Run[T any](f Future[T]) T {
	r := NewCurrentThread()
	defer r.Shutdown()
	return BlockOn(r, f)
}

// Shutdown cancels every task of r that has not completed, calling Cancel on
// their futures (on the calling goroutine), and makes r refuse new work:
// spawns onto r afterwards are cancelled at once, BlockOn panics. It waits for
// a BlockOn in progress on another goroutine to return. Shutdown is
// idempotent. It must not be called from inside one of r's tasks (it panics).
func (r *Runtime) Shutdown() {
	// Shutdown waits for a BlockOn in progress; from a runtime goroutine
	// (a task of r, or of any runtime) that wait could never end.
	if r.driving.Load() && onDriverStack() {
		panic("corio/rt: Shutdown called from inside a task of the runtime being shut down")
	}
	r.coreMu.Lock()
	defer r.coreMu.Unlock()
	c := &r.core
	if c.shut {
		return
	}
	c.shut = true
	for _, h := range r.inject.close() {
		if !h.bound {
			c.bind(h)
		}
	}
	for c.local.pop() != nil {
	}
	// Every incomplete task is on the owned list now. Cancelling one may wake
	// or abort others; those pushes are refused (the inject queue is closed)
	// and the loop cancels them anyway.
	for h := c.owned.head; h != nil; h = c.owned.head {
		if h.state.shutdown() {
			h.self.cancelTask(c)
			continue
		}
		if h.state.load()&stateComplete == 0 {
			panic("corio/rt: task running during Shutdown")
		}
		c.unbind(h)
	}
	c.flushStats()
}

// Metrics is a snapshot of a runtime's counters. Counters kept by the driving
// goroutine are published every batch of at most 61 polls and when it parks
// or returns, so a snapshot taken while a runtime runs may lag by one batch.
type Metrics struct {
	Spawned      uint64 // tasks spawned
	Completed    uint64 // tasks completed: returned, panicked or cancelled
	Polls        uint64 // task polls (not counting the main future)
	MainPolls    uint64 // polls of BlockOn main futures
	BudgetYields uint64 // task polls in which a leaf refused for lack of budget
	Parks        uint64 // times the driving goroutine slept waiting for work
	QueueDepth   int    // runnable tasks queued: local (as of the last publish) + inject
	LiveTasks    int    // tasks spawned and not completed (as of the last publish)
}

// Metrics returns a snapshot of r's counters. It is cheap: a few atomic loads.
func (r *Runtime) Metrics() Metrics {
	s := &r.stats
	return Metrics{
		Spawned:      s.spawned.Load(),
		Completed:    s.completed.Load(),
		Polls:        s.polls.Load(),
		MainPolls:    s.mainPolls.Load(),
		BudgetYields: s.budgetYields.Load(),
		Parks:        s.parks.Load(),
		QueueDepth:   int(s.localDepth.Load() + r.inject.size.Load()),
		LiveTasks:    int(s.live.Load()),
	}
}

// runtimeStats are the published counters: atomics, written by the core
// holder's flush (spawned and parks also directly), read by Metrics.
type runtimeStats struct {
	spawned, completed, polls, mainPolls, budgetYields, parks atomic.Uint64
	localDepth, live                                          atomic.Int64
}

// coreStats are the core holder's unpublished deltas.
type coreStats struct {
	spawned, completed, polls, mainPolls, budgetYields uint64
}

func (c *core) flushStats() {
	s, d := &c.rt.stats, &c.stats
	if d.spawned != 0 {
		s.spawned.Add(d.spawned)
	}
	if d.completed != 0 {
		s.completed.Add(d.completed)
	}
	if d.polls != 0 {
		s.polls.Add(d.polls)
	}
	if d.mainPolls != 0 {
		s.mainPolls.Add(d.mainPolls)
	}
	if d.budgetYields != 0 {
		s.budgetYields.Add(d.budgetYields)
	}
	*d = coreStats{}
	s.localDepth.Store(int64(c.local.len()))
	s.live.Store(int64(c.owned.n))
}
