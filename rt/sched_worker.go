package rt

import (
	"math"

	"github.com/corio-go/corio/internal/driver"
	"github.com/corio-go/corio/internal/prefetch"
	rdebug "runtime/debug"
	"sync/atomic"
	"time"
	"unsafe"
)

// worker is what polls tasks: the current-thread runtime's core (one, owned by
// the goroutine in BlockOn or the background driver) or one of a multi-thread
// runtime's workers (owned by its goroutine). The fields marked owner-only are
// touched only by the goroutine that owns the worker at the time.
type worker struct {
	rt    *Runtime     // immutable
	mt    *multiThread // immutable; nil on the current-thread runtime
	index int          // immutable: position in mt.workers (0 for current-thread)

	// Current-thread only (owner-only).
	local localQueue // growable FIFO
	owned taskList   // every bound, not yet completed task (see "Owned tasks" in doc.go)
	// unbound counts the tasks spawned from polls on the core that are not
	// on owned: queued in local, never polled, or in their first poll.
	unbound int

	// Multi-thread only.
	run  ringOwner // owner-only handle on the ring
	ring *ring     // immutable; stealers reach it through ringStealer
	// lifo is the LIFO slot: the task the running task just woke (or
	// spawned), as an entry (slotEntry) whose low bit tags it held (see
	// "Held entries" in doc.go); the owner sets it, the owner or a parking
	// stealer takes it.
	lifo atomic.Pointer[byte]
	// next is the private LIFO slot (owner-only, no atomics): a task
	// woken from a poll on this worker while no worker searches, held for
	// this worker (see "LIFO slot" in doc.go). At most one of next and
	// lifo holds a woken task.
	next *taskHeader
	// firstPoll is the last unbound task this worker took out of a LIFO
	// slot to poll (its own or, parking, another's), published before the
	// take so that a dump or a gauge finds the task between the slot and
	// its owned shard. Written by the owner; read by Dump and liveTasks,
	// which skip it once it is bound or complete: it is not cleared after
	// the poll, so it may keep one completed task reachable.
	firstPoll atomic.Pointer[taskHeader]
	// displaced is the last unbound task that a wake displaced from this
	// worker's slot (scheduleLocal), published before the swap that takes
	// it out, for the moment until it is bound on its way to the ring. Read
	// like firstPoll, and like it never cleared.
	displaced atomic.Pointer[taskHeader]
	// held is the tag of the entry that nextCT (or popSeeded), or nextMT
	// from a LIFO slot, just returned, for runTask (owner-only).
	held uintptr
	// noHold: a task dump is reading this core's tasks, so it queues no
	// held entries (current-thread only; owner-only; see tracing).
	noHold bool
	// lifoEnabled is false during the last of maxLIFOPolls LIFO polls in a
	// row; runTask turns it on again for the next task (owner-only).
	lifoEnabled bool
	searching   bool // owner-only: counted in the idle state's searchers
	park        wparker
	rand        uint32 // owner-only: victim choice

	tick     uint32  // owner-only: tasks taken from queues, for the global queue interval
	interval uint32  // global queue interval; owner-only when adaptive, else immutable
	adaptive bool    // immutable: interval tuned from pollEWMA (multi-thread)
	pollEWMA float64 // owner-only: moving average of a poll's duration, in ns
	busyFrom int64   // owner-only: clock (ns) at the end of the last full batch; 0 if not busy
	cx       Context // owner-only: reused for every poll
	// goexited is set when a task's runtime.Goexit ended the goroutine
	// running this worker (runBatch); a background driver reads it.
	goexited bool
	stats    coreStats // owner-only; flushed into pub
	obs      *observer // immutable: the runtime's hooks and poll timing (metrics.go); nil if none

	pub workerCounters // the published counters (metrics.go)

	// dispatched counts the tasks Dispatch queued here during the current
	// driver park (owner-only; the parking goroutine is the owner).
	dispatched int

	// turnIO: this worker's last driver turn dispatched readiness events,
	// and woke nothing but this runtime's tasks; turnWokeOther: the current
	// turn woke another waker (owner-only; see parkSpins).
	turnIO, turnWokeOther bool

	// fence is this worker's part in the poll fence (fence.go):
	// multi-thread only.
	fence fencePart
}

func newWorker(r *Runtime, mt *multiThread, index int, c config) *worker {
	w := &worker{rt: r, mt: mt, index: index, interval: c.globalQueueInterval, lifoEnabled: true}
	if w.interval == 0 {
		w.interval = defaultGlobalQueueInterval
		w.adaptive = mt != nil
		w.pollEWMA = targetGlobalQueueInterval / defaultGlobalQueueInterval
	}
	w.cx.rt, w.cx.w, w.cx.drv = r, w, r.drv
	w.obs, w.stats.pub = r.obs, &w.pub
	w.rand = uint32(index)*2654435761 + 1
	if mt != nil {
		w.ring = newRing(c.localQueueCapacity)
		w.run = ringOwner{w.ring}
		w.park.ch = make(chan struct{}, 1)
	}
	return w
}

// taskList is an intrusive doubly linked list through taskHeader.prev/next.
type taskList struct {
	head *taskHeader
	n    int
}

// push lists h, which other goroutines may already see (a task adopted
// from the inject queue, whose join lock a joiner may be taking): its bound
// flag is set with an atomic OR.
func (l *taskList) push(h *taskHeader) {
	if debug && h.bound() {
		panic("corio/rt: task bound twice")
	}
	h.setBound(true)
	l.link(h)
}

// pushNew lists h, a task being spawned that no other goroutine can see yet
// (nothing can take its join lock), so its bound flag is set with a plain
// store: one locked instruction fewer per spawn. Publishing the task (its
// first push onto a queue) orders the store before any other access.
func (l *taskList) pushNew(h *taskHeader) {
	if debug && h.bound() {
		panic("corio/rt: task bound twice")
	}
	*(*uint32)(unsafe.Pointer(&h.flags)) |= flagBound
	l.link(h)
}

func (l *taskList) link(h *taskHeader) {
	h.prev, h.next = nil, l.head
	if l.head != nil {
		l.head.prev = h
	}
	l.head = h
	l.n++
}

// remove unlists h if it is on l. Whether it is is read from the list
// itself, not from the bound flag, which stays set once the task was listed
// (clearing it would be an atomic AND per completed task, since joiners may
// be taking the join lock in the same word): a task on no list, never bound
// or removed before, has no predecessor and is not l's head.
func (l *taskList) remove(h *taskHeader) {
	if h.prev == nil && l.head != h {
		return
	}
	if h.prev != nil {
		h.prev.next = h.next
	} else {
		l.head = h.next
	}
	if h.next != nil {
		h.next.prev = h.prev
	}
	h.prev, h.next = nil, nil
	l.n--
}

// scheduleLocal queues a task that was woken from inside a poll on this
// worker (Context.Wake): the LIFO slot on a multi-thread runtime, the local
// queue on the current-thread runtime. No lock, and a cross-goroutine wake-up
// only if another worker should come and share the work.
func (w *worker) scheduleLocal(h *taskHeader) {
	if w.mt == nil {
		w.local.push(h)
		return
	}
	if !w.lifoEnabled {
		// This worker runs h itself unless something is queued ahead of
		// it: only then is there work for another worker to steal.
		w.pushRing(h)
		if w.ring.len() > 1 {
			w.mt.notifyParked()
		}
		return
	}
	w.putLIFO(h, heldNone)
}

// putLIFO puts h into the LIFO slot as an entry with tag (heldWake: the
// wake took RUNNING for this worker). A task it displaces goes to the
// back of the ring, as an ordinary entry (rings hold no held entries).
func (w *worker) putLIFO(h *taskHeader, tag uintptr) {
	w.displaceNext()
	if p := w.lifo.Load(); p != nil {
		if cur, _ := slotTask(p); cur.flags.Load()&flagBound == 0 {
			// A spawned task, never polled, is about to leave the slot
			// for the ring, which binds it: published first, so that a
			// dump that read the slot before the swap finds it (see
			// "Owned tasks" in doc.go). Only when the slot holds such a
			// task.
			w.displaced.Store(cur)
		}
	}
	if p := w.lifo.Swap(slotEntry(h, tag)); p != nil {
		// The displaced task goes to the back of the ring, and there is now
		// more work here than this worker runs next: let a parked worker
		// come and steal.
		prev, ptag := slotTask(p)
		if ptag != heldNone {
			prev.state.releaseHeld(0)
		}
		if w.bindLeavingLIFO(prev) {
			w.pushRing(prev)
			w.mt.notifyParked()
		}
	}
}

// displaceNext moves the task in the private LIFO slot, if any, to the
// back of the ring, as a wake displaces the slot's task (putLIFO): the
// task woken last runs next. Its RUNNING bit is released (rings hold
// ordinary entries).
func (w *worker) displaceNext() {
	prev := w.next
	if prev == nil {
		return
	}
	w.next = nil
	prev.state.releaseHeld(0)
	if w.bindLeavingLIFO(prev) {
		w.pushRing(prev)
		w.mt.notifyParked()
	}
}

// slotEntry is h as a LIFO slot entry with tag: a pointer into h, so the
// collector keeps h alive, typed *byte so that no misaligned *taskHeader
// exists.
func slotEntry(h *taskHeader, tag uintptr) *byte {
	return (*byte)(unsafe.Add(unsafe.Pointer(h), tag))
}

// slotTask splits a non-nil LIFO slot entry into its task and tag.
func slotTask(p *byte) (*taskHeader, uintptr) { return untagEntry(unsafe.Pointer(p)) }

// wakeLocal wakes h, a task of this worker's runtime, from inside a poll
// on this worker (Context.Wake). On the current-thread runtime the wake
// takes RUNNING for the core in its compare-and-swap when the task is
// idle, and queues a held entry (see "Held entries" in doc.go): the core
// is the only goroutine that polls the task, so the start of its next poll
// costs no second compare-and-swap. On a multi-thread runtime it does the
// same when the task goes to the LIFO slot (the slot is on): whoever takes
// the entry out of the slot — this worker after the poll, or a parking
// stealer — polls the task with the RUNNING bit the wake took.
func (w *worker) wakeLocal(h *taskHeader) {
	if m := w.mt; m != nil {
		// The private slot: nobody searches, the public slot is empty, and
		// either the slot is on, or it is off (the last LIFO poll of a
		// run) and the ring is empty, so that the task would be the ring's
		// next pop anyway (as spawnLocal does for a spawn).
		private := w.lifo.Load() == nil && numSearching(m.idle.state.Load()) == 0 &&
			(w.lifoEnabled || (w.next == nil && w.ring.isEmpty()))
		if w.lifoEnabled || private {
			if push, held := h.state.wakeHeld(runningOn(w.index)); push {
				switch {
				case held && private:
					w.displaceNext()
					w.next = h
				case !w.lifoEnabled:
					w.scheduleLocal(h) // a dump holds it (TRACING): the ring
				case held:
					w.putLIFO(h, heldWake)
				default:
					w.putLIFO(h, heldNone)
				}
			}
			return
		}
		if h.state.wake() {
			w.scheduleLocal(h)
		}
		return
	}
	if !w.noHold {
		if push, held := h.state.wakeHeld(runningOn(0)); push {
			if held {
				w.local.pushTagged(h, heldWake)
			} else {
				w.local.push(h)
			}
		}
		return
	}
	if h.state.wake() {
		w.scheduleLocal(h)
	}
}

// Dispatch takes a waker that the driver wakes while this worker's goroutine
// parks in it (a ready descriptor, a fired timer): a task of this runtime goes
// on this worker's own queue — its ring, or the current-thread local queue —
// with no inject-queue lock and no wake-up of another worker; the parking
// goroutine runs it when the park returns (see "Wakes during a park" in
// doc.go). Any other waker is woken as usual. Only the worker's owner calls
// it, through driver.ParkTo.
func (w *worker) Dispatch(wk driver.Waker) {
	if h := taskOfWaker(wk); h != nil {
		if h.rt == w.rt {
			if h.state.wake() {
				w.dispatched++
				w.stats.dispatched++
				if w.mt == nil {
					w.adopt(h)
					w.local.push(h)
				} else {
					// Published after the turn (publishTurn): one
					// atomic store for all the tasks it woke.
					if w.run.pushBackQuiet(h, &w.rt.inject) {
						w.stats.overflows++
					}
				}
			}
			return
		}
	}
	w.turnWokeOther = true
	wk.Wake()
}

// taskOfWaker returns the task wk wakes, nil if wk is not a task. A
// *headerWaker (the form in which the poller keeps a task waiting for
// readiness, iowaker.go, so the form of nearly every waker a driver turn
// dispatches) is asserted as a concrete type: one compare of the method-table
// word, where the assertion to the taskWaker interface is a lookup in the
// runtime's assertion cache, about a quarter of the cost of dispatching a
// woken waker.
func taskOfWaker(wk driver.Waker) *taskHeader {
	if hw, ok := wk.(*headerWaker); ok {
		return hw.header()
	}
	return assertedTask(wk)
}

// assertedTask is taskOfWaker's way for any other waker, out of line so
// that taskOfWaker inlines.
//
//go:noinline
func assertedTask(wk driver.Waker) *taskHeader {
	if tw, ok := wk.(taskWaker); ok {
		return tw.header()
	}
	return nil
}

// reschedule queues a task whose poll ended with a pending self-wake (a
// yield): the back of the local queue, so yielding tasks run round-robin.
func (w *worker) reschedule(h *taskHeader) {
	if w.mt == nil {
		w.local.push(h)
		return
	}
	w.pushRing(h)
	if w.ring.len() > 1 {
		w.mt.notifyParked()
	}
}

// spawnLocal starts a task from a poll on this worker (SpawnAsync). On a
// multi-thread runtime it goes into the LIFO slot if the slot is on and
// free (Tokio's schedule_local for a spawn), so that a task that spawns the
// next one and returns has it run next, on this worker, with no wake-up of
// another worker. If the slot is taken the new task goes to the back of the
// ring instead of displacing the slot's task (no atomic swap per spawn in a
// burst, and the burst runs in spawn order after the first) and a parked
// worker is notified, since there is now more work here than this worker
// runs next; with the slot off, as for a wake (scheduleLocal).
func (w *worker) spawnLocal(h *taskHeader) {
	r := w.rt
	if w.obs != nil {
		w.obs.spawned(h)
	}
	h.rt = r
	h.state.start()
	w.stats.spawned++
	m := w.mt
	if m == nil {
		// Listed at its first suspension, if it has one (bindPolled);
		// until then the core finds it in its local queue.
		w.unbound++
		w.local.push(h)
		return
	}
	// Only the owner stores a task into the slot (a stealer only empties
	// it), so a slot seen empty can be filled with a plain store. A task
	// in the slot stays unbound until its first poll suspends (see "Owned
	// tasks" in doc.go). During the last LIFO poll of a run (slot off) the
	// slot still takes the spawn if the ring is empty: runTask ends the
	// run after that poll, and nextMT takes the slot's task next, as it
	// would have popped it from the ring, with nothing queued ahead of it
	// to starve; so a chain of spawns binds no task.
	if w.lifo.Load() == nil && w.next == nil && (w.lifoEnabled || w.ring.isEmpty()) {
		e := slotEntry(h, heldNone)
		w.lifo.Store(e)
		// Shutdown sets shut, then empties every LIFO slot: either it
		// finds h there or this load sees shut (both sequentially
		// consistent), and whoever takes h from the slot cancels it.
		if m.shut.Load() && w.lifo.CompareAndSwap(e, nil) {
			r.cancelUnstarted(h)
		}
		return
	}
	// The ring is for bound tasks only: a stealer moves them where no
	// dump can see them.
	if !m.bind(w, h) {
		r.cancelUnstarted(h)
		return
	}
	if !w.lifoEnabled {
		w.scheduleLocal(h)
		return
	}
	w.pushRing(h)
	m.notifyParked()
}

// takeLIFO takes the task in v's LIFO slot for w to poll (v is w itself,
// or another worker's slot that w, parking, empties); nil if the slot is
// empty or another worker took its task first. An unbound task is
// published in w's firstPoll before it leaves the slot (see "Owned tasks"
// in doc.go), and only the task published is taken: a stealer may find the
// owner has replaced it meanwhile.
//
// It also returns the entry's tag: other than heldNone, w now holds the
// task's RUNNING bit (see "Held entries" in doc.go).
func (w *worker) takeLIFO(v *worker) (*taskHeader, uintptr) {
	p := v.lifo.Load()
	if p == nil {
		return nil, heldNone
	}
	h, tag := slotTask(p)
	unbound := h.flags.Load()&flagBound == 0
	if unbound {
		w.firstPoll.Store(h)
	}
	if v.lifo.CompareAndSwap(p, nil) {
		return h, tag
	}
	if unbound {
		w.firstPoll.Store(nil) // h is elsewhere: not twice in a gauge
	}
	return nil, heldNone
}

// bindLeavingLIFO binds h, a task taken out of a LIFO slot that goes to a
// ring instead of being polled now (rings hold bound tasks only); false if
// the runtime is shutting down, and then h is cancelled.
func (w *worker) bindLeavingLIFO(h *taskHeader) bool {
	if h.flags.Load()&flagBound != 0 || w.mt.bindVisible(h) {
		return true
	}
	w.rt.cancelUnstarted(h)
	return false
}

// bindPolled binds h, whose first poll on w just returned pending: from
// now on only the owned list finds it while it waits. The caller holds
// RUNNING; false if the runtime is shutting down (the caller cancels h).
func (w *worker) bindPolled(h *taskHeader) bool {
	if w.mt != nil {
		return w.mt.bindVisible(h)
	}
	w.owned.push(h)
	w.unbound--
	return true
}

// ringRoom returns how many tasks the ring takes before it overflows
// (owner-only). A driver turn on this worker collects at most that many
// readiness events: the rest wait in the kernel for the next turn (this
// worker's, or another's that parks in the driver meanwhile). Taking a
// full batch into a nearly full ring overflowed half of it into the
// inject queue, through which a quarter of an echo server's requests went
// at 1000 connections: a lock per batch, and two walks of a linked list
// through the tasks' headers (cache misses each), to come back.
func (w *worker) ringRoom() int { return int(w.ring.capacity()) - w.ring.len() }

// publishTurn publishes the tasks Dispatch queued during a driver turn
// (see ringOwner.pushBackQuiet); the worker calls it as soon as the turn
// returns, before it pops or counts its ring.
func (w *worker) publishTurn() { w.run.publish() }

func (w *worker) pushRing(h *taskHeader) {
	if w.run.pushBack(h, &w.rt.inject) {
		w.stats.overflows++
	}
}

// parkSpins returns how many Gosched rounds the worker gives other
// goroutines before it blocks in the driver (see the const parkSpins): none
// when its last driver turn found I/O and woke only tasks of this runtime.
// A server's next work is then most likely the next readiness event, which
// no Gosched round brings — only the epoll wait does — and the rounds (a
// trip through the Go scheduler each, which queues the goroutine globally
// and takes it back) were 5% of an echo server's user time at 1000
// connections, and 1.5µs of the 3.6µs per request at one connection. A
// turn that woke a goroutine outside the runtime (a BlockOn caller) keeps
// them: that goroutine's answer is what they wait for (an in-process
// round trip over loopback took twice as long without them), and so does
// a turn that found no I/O: a runtime woken by other goroutines (Spawn,
// channel sends) keeps the fast remote wake they buy.
func (w *worker) parkSpins() int {
	if w.turnIO {
		return 0
	}
	return parkSpins
}

// runTask polls h with a fresh budget; on a multi-thread runtime it then runs
// the tasks h woke into the LIFO slot, sharing h's budget, at most
// maxLIFOPolls in a row (Tokio's run_task). The LIFO slot is on again for
// every task taken from a queue; during the last LIFO poll of the run it is
// off, so what that poll wakes waits its turn in the ring.
func (w *worker) runTask(h *taskHeader) {
	w.cx.budget = taskBudget
	if w.mt == nil {
		held := w.held
		w.held = heldNone
		h.self().run(w, held)
		return
	}
	w.lifoEnabled = true
	held := w.held
	w.held = heldNone
	h.self().run(w, held)
	for n := 1; ; n++ {
		t, tag := w.next, heldWake
		if t != nil {
			w.next = nil // the private slot: no atomics
		} else {
			if w.lifo.Load() == nil {
				return // the common case, checked inline (takeLIFO is a call)
			}
			if t, tag = w.takeLIFO(w); t == nil {
				return // a parking worker took it
			}
		}
		if w.cx.budget == 0 {
			if tag != heldNone {
				t.state.releaseHeld(0) // the ring holds ordinary entries
			}
			if w.bindLeavingLIFO(t) {
				w.pushRing(t) // out of budget: wait in the ring
			}
			return
		}
		if n >= maxLIFOPolls {
			w.lifoEnabled = false
		}
		w.stats.lifoHits++
		t.self().run(w, tag)
		if !w.lifoEnabled {
			// The run is over. A task the poll spawned into the slot
			// (into an empty ring: see spawnLocal) is next in nextMT.
			return
		}
	}
}

// Adaptive global queue interval (Tokio's stats.rs): the inject queue is
// looked at about every targetGlobalQueueInterval ns of polling, estimated
// from an exponentially weighted moving average of the poll time.
const (
	targetGlobalQueueInterval = 200e3 // ns
	maxAdaptiveInterval       = 127
	pollEWMAAlpha             = 0.1
)

// timeBatch is called after each batch on an adaptive worker. The interval
// matters only while a worker stays busy (a worker whose queue runs dry looks
// at the inject queue anyway), so only back-to-back full batches are timed:
// one clock read per full batch, none when a worker runs a task or two
// between parks. A full batch's time includes the maintenance after the
// previous one, which is small beside 61 polls.
func (w *worker) timeBatch(full bool) {
	if !full {
		w.busyFrom = 0
		return
	}
	now := int64(time.Since(clockBase))
	if w.busyFrom != 0 {
		w.tuneInterval(now-w.busyFrom, w.mt.eventInterval)
	}
	w.busyFrom = now
}

// clockBase anchors timeBatch's monotonic clock readings.
var clockBase = time.Now()

// tuneInterval folds a batch of n polls that took elapsed ns into the poll
// time average and recomputes the interval (owner-only).
func (w *worker) tuneInterval(elapsed int64, n int) {
	mean := float64(elapsed) / float64(n)
	a := 1 - math.Pow(1-pollEWMAAlpha, float64(n))
	w.pollEWMA = a*mean + (1-a)*w.pollEWMA
	k := maxAdaptiveInterval
	if w.pollEWMA > 0 {
		k = int(min(targetGlobalQueueInterval/w.pollEWMA, maxAdaptiveInterval))
	}
	w.interval = uint32(max(k, 2))
}

// runBatch runs up to max tasks taken by next and returns how many ran. It is
// also where a panic in a task's Poll is recovered: one deferred recover per
// batch instead of one per poll. After a panic the batch ends early (the
// panicking task counts as run) and the caller starts the next one.
func (w *worker) runBatch(max int, next func(w *worker) *taskHeader) (n int) {
	defer func() {
		// cx.task is the task whose Poll is running (task.poll): one
		// pointer per poll, not a second field holding its runner too.
		h := w.cx.task
		if h == nil {
			return // not a task panic (or no panic): let it propagate
		}
		t := h.self()
		p := recover()
		goexit := p == nil
		if goexit {
			// Only runtime.Goexit unwinds without a panic value; the goroutine
			// is exiting, but the task must still complete for its joiners.
			p = "corio/rt: runtime.Goexit called inside a task"
		}
		t.panicked(w, p, rdebug.Stack())
		n++
		if goexit {
			// Goexit cannot be stopped: this goroutine ends. A multi-thread
			// worker goes on on a new goroutine; a current-thread runtime's
			// background driver is restarted by driveBackground; a BlockOn
			// caller's goroutine ends as the task asked (as t.FailNow in a
			// task ends a test blocked in BlockOn).
			w.goexited = true
			if w.mt != nil && !w.mt.shut.Load() {
				w.mt.running.Add(1)
				w.mt.startWorker(w)
			}
		}
	}()
	for n < max {
		h := next(w)
		if h == nil {
			return n
		}
		w.runTask(h)
		n++
	}
	return n
}

// touchNext starts loading the first three cache lines of the task that
// the ring gives this worker next (its header, and the start of its output
// and future, which an inline task holds by value), so that they arrive
// while the task popped now runs. With many connections every task is cold
// when it is polled — hundreds of others ran since its last poll — and the
// loads of its header and its future were the largest stalls in an echo
// server's user time (8% and 7% at 1000 connections). A prefetch is a hint:
// the lines past a small task's end are harmless. Owner-only.
func (w *worker) touchNext() {
	if h := w.run.peek(); h != nil {
		p := uintptr(unsafe.Pointer(h))
		prefetch.Line(p)
		prefetch.Line(p + 64)
		prefetch.Line(p + 128)
	}
}
