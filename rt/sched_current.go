package rt

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// currentThread is the current-thread scheduler: one worker (the core),
// driven by whichever goroutine holds coreMu — the goroutine in BlockOn, the
// background goroutine of the process default runtime, or Shutdown.
type currentThread struct {
	r *Runtime // immutable

	coreMu sync.Mutex
	core   *worker // protected by coreMu
	shut   bool    // protected by coreMu: shutdown ran

	// Park protocol (see park). parked is set by the core holder just before
	// it sleeps; a waker that publishes work and then wins the CAS
	// parked true->false wakes it: through the driver when the runtime has
	// one, else by sending the single token on unpark.
	parked atomic.Bool
	unpark chan struct{} // capacity 1; at most one token outstanding (no driver)

	mainWoken atomic.Bool // BlockOn's main future was woken; consumed by the core holder

	// dumpReq is a task dump's request for the owned list, served by the
	// core holder between batches (dump.go).
	dumpReq atomic.Pointer[ctDumpReq]
	// tracing counts the dumps reading this runtime's tasks (Dump, from
	// before it lists them until it has read their futures). While it is
	// not zero the core queues no held entries (worker.noHold), so that
	// a dump reads a queued task as queued, with its future.
	tracing atomic.Int32

	// driving is true while a goroutine holding coreMu drives the runtime;
	// Shutdown reads it to refuse shutting down from a runtime goroutine
	// (see onDriverStack).
	driving atomic.Bool

	background bool // immutable: driven by a background goroutine (the default runtime)
	// active: a background driver goroutine exists (running or about to take
	// coreMu). Background runtimes only.
	active atomic.Bool

	eventInterval int // immutable

	seed *seedState // WithSeed: drive draws every choice from it (seed.go); nil otherwise

	mainBox Waker // immutable: the main waker, lent to the tasks BlockOn's future joins (joinBoxer)
}

func newCurrentThread(r *Runtime, c config, background bool) *currentThread {
	s := &currentThread{r: r, unpark: make(chan struct{}, 1), background: background, eventInterval: c.eventInterval}
	s.mainBox = (*mainWaker)(s)
	s.core = newWorker(r, nil, 0, c)
	s.seed = newSeedState(c, s.core)
	return s
}

// mainWaker is the waker of BlockOn's main future: the scheduler itself under
// another method set, so it allocates nothing.
type mainWaker currentThread

// joinBox lends the box holding the main waker to a task whose lone joiner
// it is.
func (m *mainWaker) joinBox() *Waker { return &(*currentThread)(m).mainBox }

func (m *mainWaker) Wake() {
	s := (*currentThread)(m)
	if !s.mainWoken.Swap(true) {
		s.unparkOne()
	}
}

// unparkOne wakes the core holder if it is parked, and starts the background
// driver of the default runtime if none runs. It must be called after the
// work it announces is published (inject size or mainWoken stored).
func (s *currentThread) unparkOne() {
	s.wakeParked()
	if s.background && !s.active.Load() && s.active.CompareAndSwap(false, true) {
		go s.driveBackground()
	}
}

// bind is called for a task spawned from another goroutine (a spawn from
// a poll on the core is listed at its first suspension: see spawnLocal):
// the core adopts the task when it first takes it off the inject queue
// (the inject queue refuses it after shutdown).
func (s *currentThread) bind(*worker, *taskHeader) bool { return true }

// unbind is called for bound tasks only, by the core.
func (s *currentThread) unbind(w *worker, h *taskHeader) {
	if w != nil {
		w.owned.remove(h)
	}
}

func (s *currentThread) localDepth() int { return int(s.r.stats.localDepthCT.Load()) }
func (s *currentThread) liveTasks() int  { return int(s.r.stats.liveCT.Load()) }

// wakeParked wakes the core holder if it sleeps in park.
func (s *currentThread) wakeParked() {
	if s.parked.Load() && s.parked.CompareAndSwap(true, false) {
		if s.r.drv != nil {
			s.r.drv.Unpark()
		} else {
			s.unpark <- struct{}{}
		}
	}
}

// park sleeps until a waker announces work. The ordering that guarantees no
// lost wake-up (all operations sequentially consistent):
//
//	core holder                     waker
//	1. parked.Store(true)           a. publish: inject push / mainWoken.Store
//	2. load inject size, mainWoken  b. parked.CompareAndSwap(true, false)
//	3. sleep (driver or channel)    c. if b won: Unpark the driver / send the token
//
// In the total order either 1 precedes b (the waker sees parked and wakes the
// sleep of 3) or b precedes 1, hence a precedes 2 (the core sees the work and
// does not sleep). If both happen, the core's own CAS in the "found work"
// branch fails: on the channel it takes the token the waker is sending, so
// the channel is empty again before the next park; on the driver the pending
// Unpark makes the next Park return at once (one spurious loop).
//
// With a driver the core sleeps in it, so timers fire and I/O wakes tasks
// while it sleeps; on a paused clock it lets the driver auto-advance, since
// the one worker is idle.
func (s *currentThread) park(c *worker, withMain bool) {
	r := s.r
	s.flush(c)
	if r.drv != nil {
		// Sleeping in the driver is a blocking syscall: its wake-up is an
		// eventfd write, and the sleeper must win a P back, which on a busy
		// machine takes tens of microseconds. Give a wake that is about to
		// come from another goroutine (a request/response partner) a few
		// scheduler rounds first; each Gosched runs that goroutine if it is
		// runnable and costs ~100ns if nothing else is (none after a driver
		// turn that found I/O and woke only tasks: see worker.parkSpins).
		for i := c.parkSpins(); i > 0; i-- {
			if r.inject.len() > 0 || (withMain && s.mainWoken.Load()) {
				return
			}
			runtime.Gosched()
		}
	}
	s.parked.Store(true)
	if r.inject.len() > 0 || (withMain && s.mainWoken.Load()) || s.dumpReq.Load() != nil {
		if !s.parked.CompareAndSwap(true, false) && r.drv == nil {
			<-s.unpark
		}
		return
	}
	c.stats.parks++
	if r.drv != nil {
		c.noteTurn(r.drv.ParkTo(-1, true, c)) // readiness and timer wakes queue on c.local
		c.stats.unparks++
		c.dispatched = 0
		s.parked.Store(false)
		return
	}
	<-s.unpark
	c.stats.unparks++
}

// parkSpins bounds the Gosched rounds before a core sleeps in its driver.
const parkSpins = 8

// pollDriver lets a busy core fire due timers and I/O without blocking.
func (s *currentThread) pollDriver(c *worker) {
	if s.r.drv != nil {
		c.noteTurn(s.r.drv.ParkTo(0, false, c))
		c.dispatched = 0
	}
}

// next takes the next runnable task: local queue first, except every
// interval-th tick, which looks at the inject queue first.
func (c *worker) nextCT() *taskHeader {
	c.tick++
	if c.tick%c.interval == 0 {
		if h := c.popInjectCT(); h != nil {
			return h
		}
	}
	if h, tag := c.local.pop(); h != nil {
		c.held = tag
		return h
	}
	// The local queue is empty: move a batch from the inject queue under one
	// lock, so that remotely woken tasks keep their FIFO order among
	// themselves and the lock is taken once per batch, not per task.
	for h := c.rt.inject.popN(injectBatch); h != nil; {
		next := h.qnext
		h.qnext = nil
		c.stats.injectTakes++
		c.adopt(h)
		c.local.push(h)
		h = next
	}
	h, _ := c.local.pop() // ordinary entries only
	return h
}

// injectBatch is how many tasks one refill takes from the inject queue: a
// quarter of the initial local ring, so a refill never has to grow it.
const injectBatch = localQueueInitial / 4

func (c *worker) popInjectCT() *taskHeader {
	h := c.rt.inject.pop()
	if h != nil {
		c.stats.injectTakes++
		c.adopt(h)
	}
	return h
}

// adopt binds a task that came through the inject queue if it was spawned
// from another goroutine: the runtime takes ownership when it first sees it.
func (c *worker) adopt(h *taskHeader) {
	if !h.bound() && h.state.load()&stateComplete == 0 {
		c.owned.push(h)
	}
}

// drive runs tasks until main, polled with the worker's Context whenever
// the main future is woken, reports it ready, or, for a background runtime
// (main == nil), until the runtime has no tasks left.
func (s *currentThread) drive(c *worker, main func(cx *Context) bool) {
	if s.seed != nil {
		s.driveSeeded(c, main)
		return
	}
	// again: the main future woke itself during its last poll through a
	// yield (Context.yield), which is mainWoken without its atomics.
	again := false
	// polls counts the polls since the driver last ran (a main future's
	// poll with its re-polls in place as one). Every
	// eventInterval of them the driver takes a turn without blocking, so
	// that a main future or tasks that keep yielding (and so never let the
	// loop park) cannot starve timers and I/O.
	polls := 0
	for {
		if s.dumpReq.Load() != nil {
			s.serveDump(c)
		}
		if c.noHold {
			c.noHold = s.tracing.Load() != 0
		}
		if main != nil && (again || s.mainWoken.Swap(false)) {
			var done bool
			if done, again = s.pollMain(c, main); done {
				return
			}
			// One, though it may have been re-polled in place up to
			// maxRepolls times: a turn of the driver is a system call,
			// and a main future that yields at every statement would
			// pay one per 61 statements.
			polls++
		}
		// A batch only where a task is queued: a main future that yields
		// to itself finds none most of the time, and skips the batch's
		// deferred recover and tick.
		if c.local.len() != 0 || s.r.inject.len() != 0 {
			if n := c.runBatch(s.eventInterval, (*worker).nextCT); n > 0 {
				s.flush(c)
				if polls += n; polls >= s.eventInterval {
					polls = 0
					s.pollDriver(c)
				}
				continue
			}
		}
		if main == nil {
			if c.owned.n == 0 && s.stopBackground() {
				return
			}
		} else if again || s.mainWoken.Load() {
			if polls >= s.eventInterval {
				polls = 0
				s.pollDriver(c)
			}
			continue
		}
		polls = 0
		s.park(c, main != nil)
	}
}

// pollMain polls BlockOn's main future once with c's Context and reports
// whether it is done and, if not, whether it woke itself through a yield.
func (s *currentThread) pollMain(c *worker, main func(cx *Context) bool) (done, again bool) {
	cx := &c.cx
	cx.reset((*mainWaker)(s))
	cx.ownPoll()
	cx.spin = s.seed == nil // a seeded run draws its next poll at every yield
	c.stats.mainPolls++
	done = main(cx)
	cx.flushTimers()
	if done {
		return true, false
	}
	return false, cx.endOwnPoll()
}

// stopBackground ends the background driver if nothing was queued meanwhile.
// Lost-start argument: the driver stores active=false and then loads the
// inject size; a spawner pushes and then loads active (unparkOne). One sees
// the other's write: either the driver sees the task and takes active back
// (or loses that CAS to a spawner that is starting a new driver), or the
// spawner sees false and starts a driver.
func (s *currentThread) stopBackground() bool {
	s.active.Store(false)
	if s.r.inject.len() == 0 {
		return true
	}
	return !s.active.CompareAndSwap(false, true)
}

func (s *currentThread) driveBackground() {
	s.coreMu.Lock()
	defer func() {
		// A task's runtime.Goexit ended this goroutine (runBatch): hand the
		// core to a new background driver, so the runtime's other tasks
		// still run.
		goexited := s.core.goexited
		s.core.goexited = false
		s.coreMu.Unlock()
		if goexited {
			go s.driveBackground()
		}
	}()
	s.driving.Store(true)
	defer s.driving.Store(false)
	driverFrame(func() { s.drive(s.core, nil) })
	s.flush(s.core)
}

func (s *currentThread) blockOn(main func(cx *Context) bool) {
	s.coreMu.Lock()
	defer s.coreMu.Unlock()
	if s.shut {
		panic("corio/rt: BlockOn on a runtime that was shut down")
	}
	c := s.core
	s.driving.Store(true)
	defer s.driving.Store(false)
	defer s.flush(c)
	s.mainWoken.Store(true)
	driverFrame(func() { s.drive(c, main) })
}

func (s *currentThread) drivenHere() bool { return s.driving.Load() && onDriverStack() }

// shutdown cancels every incomplete task on the calling goroutine, which
// holds the core (it waits for a BlockOn in progress to return).
func (s *currentThread) shutdown(time.Duration) bool {
	s.coreMu.Lock()
	defer s.coreMu.Unlock()
	if s.shut {
		return true
	}
	s.shut = true
	c := s.core
	for _, h := range s.r.inject.close() {
		c.adopt(h)
	}
	// The local queue holds the only reference the runtime has to a task
	// spawned from a poll and never polled: cancel those here. The other
	// entries are bound tasks, cancelled below.
	// A held entry's task is RUNNING for the core, which Shutdown holds:
	// it is cancelled here too, bound or not.
	c.cancelLocal()
	// Every incomplete task is on the owned list now. Cancelling one may wake
	// or abort others; those pushes are refused (the inject queue is closed)
	// and the loop cancels them anyway. A joiner woken through the core's
	// Context is queued held (RUNNING for the core): the loop meets it
	// running, and cancels the local queue's held entries.
	for h := c.owned.head; h != nil; h = c.owned.head {
		if h.state.shutdown() {
			h.self().cancelTask(c)
			continue
		}
		if h.state.load()&stateComplete == 0 {
			if !c.cancelLocal() {
				panic("corio/rt: task running during Shutdown")
			}
			continue
		}
		c.owned.remove(h)
	}
	// Joiners woken by the cancellations were queued here; they are
	// cancelled too, so their ordinary entries are stale.
	c.cancelLocal()
	s.flush(c)
	return true
}

// cancelLocal empties the core's local queue for Shutdown, which holds
// the core: it cancels the tasks of held entries (their RUNNING bit is the
// core's) and the unbound tasks of ordinary ones (spawned from a poll and
// never polled: nothing else finds them), and drops the other ordinary
// entries (bound tasks, cancelled from the owned list, or stale). It
// reports whether it cancelled a held entry's task.
func (c *worker) cancelLocal() bool {
	held := false
	for h, tag := c.local.pop(); h != nil; h, tag = c.local.pop() {
		switch {
		case tag != heldNone:
			if h.state.load()&stateComplete == 0 {
				h.self().cancelTask(c)
				held = true
			}
		case h.flags.Load()&flagBound == 0 && h.state.shutdown():
			h.self().cancelTask(c)
		}
	}
	return held
}

func (s *currentThread) flush(c *worker) {
	st := &s.r.stats
	c.stats.flush(st)
	st.localDepthCT.Store(int64(c.local.len()))
	st.liveCT.Store(int64(c.owned.n + c.unbound))
}
