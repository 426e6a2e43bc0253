package rt

import (
	"sync/atomic"
	"testing"
	"time"
)

// Held entries (see "Held entries" in doc.go): a task queued with its
// RUNNING bit already taken for the worker that pops it.

// TestStateHeld walks the held transitions of the state word.
func TestStateHeld(t *testing.T) {
	var s taskState
	s.start()
	s.startRun(runningOn(0))
	s.endPoll(false) // Idle, one poll counted
	on := runningOn(0)
	if push, held := s.wakeHeld(on); !push || !held || s.load()&stateFlags != stateRunning || stateWorker(s.load()) != 0 {
		t.Fatalf("wakeHeld from Idle: push %v held %v, %s", push, held, stateString(s.load()))
	}
	// A second local wake or a wake while held: recorded, nothing queued.
	if push, _ := s.wakeHeld(on); push || s.load()&stateFlags != stateRunning|stateNotified {
		t.Fatalf("wakeHeld of a held task: push %v, %s", push, stateString(s.load()))
	}
	if s.wake() {
		t.Fatal("wake of a held task asked for a push")
	}
	if s.load()&stateFlags != stateRunning|stateNotified {
		t.Fatalf("woken while held: %s", stateString(s.load()))
	}
	// The start clears NOTIFIED: the poll covers those wakes.
	if s.startHeld() != startPoll || s.load()&stateFlags != stateRunning {
		t.Fatalf("startHeld: %s", stateString(s.load()))
	}
	// A yield keeps the task held (no transition at all); the poll that
	// ends the run of yields counts it as one.
	if s.endPollN(false, 2) != endPollIdle || statePolls(s.load()) != 3 || s.load()&stateFlags != 0 {
		t.Fatalf("endPollN: polls %d, %s", statePolls(s.load()), stateString(s.load()))
	}
	// Abort of a held task: CANCELLED, no push; the start cancels.
	s.wakeHeld(on)
	if s.abort() {
		t.Fatal("abort of a held task asked for a push")
	}
	if s.startHeld() != startCancel {
		t.Fatalf("startHeld after abort: %s", stateString(s.load()))
	}
	// Release: back to Scheduled (CANCELLED kept), counted as asked.
	var r taskState
	r.start()
	r.startRun(on)
	r.releaseHeld(1)
	if r.load()&stateFlags != stateNotified || statePolls(r.load()) != 1 || stateWorker(r.load()) != -1 {
		t.Fatalf("releaseHeld: polls %d, %s", statePolls(r.load()), stateString(r.load()))
	}
	if r.startRun(on) != startPoll {
		t.Fatal("a released entry does not start")
	}
	// A task a dump holds (TRACING) is queued Scheduled, not held.
	r.endPoll(false)
	r.lockTrace()
	if push, held := r.wakeHeld(on); !push || held || r.load()&stateFlags != stateNotified|stateTracing {
		t.Fatalf("wakeHeld while tracing: push %v held %v, %s", push, held, stateString(r.load()))
	}
	r.unlockTrace()
	// Saturation of the added counts.
	r.v.Store(pollCountMax<<statePollShift | stateRunning)
	r.releaseHeld(1)
	if statePolls(r.load()) != pollCountMax || r.load()&stateFlags != stateNotified {
		t.Fatalf("saturated release: polls %d, %s", statePolls(r.load()), stateString(r.load()))
	}
}

// yieldForever yields at every poll (the Context.yield path, which keeps
// a current-thread task held) until stop is set; it counts polls and
// cancels.
type yieldForever struct {
	t         testing.TB
	g         pollGuard
	stop      *atomic.Bool
	cancels   atomic.Int32
	afterPoll func()
}

func (f *yieldForever) Poll(cx *Context) (struct{}, bool) {
	f.g.enter(f.t)
	defer f.g.exit()
	if f.stop != nil && f.stop.Load() {
		return struct{}{}, true
	}
	var y YieldNowFuture
	y.Poll(cx)
	if f.afterPoll != nil {
		f.afterPoll()
	}
	return struct{}{}, false
}

func (f *yieldForever) Cancel() { f.cancels.Add(1) }

// yieldUntil yields at every poll until cond holds (checked at each
// poll), then runs then and is ready.
func yieldUntil(cond func() bool, then func()) Future[struct{}] {
	return PollFunc(func(cx *Context) (struct{}, bool) {
		if !cond() {
			var y YieldNowFuture
			y.Poll(cx)
			return struct{}{}, false
		}
		if then != nil {
			then()
		}
		return struct{}{}, true
	})
}

// TestCurrentThreadAbortHeldYield: a task aborted while it sits in the
// local queue after a yield (held) is cancelled at its next turn, once,
// and not polled again.
func TestCurrentThreadAbortHeldYield(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	y := &yieldForever{t: t}
	h := SpawnOn[struct{}](r, y)
	var pollsAtAbort int64
	// The aborter runs between two of y's polls: y is held then.
	a := SpawnOn(r, yieldUntil(func() bool { return y.g.polls.Load() >= 3 }, func() {
		pollsAtAbort = y.g.polls.Load()
		h.Abort()
	}))
	BlockOn(r, a.JoinAsync())
	out := BlockOn(r, h.JoinAsync())
	if je, ok := out.V1.(*JoinError); !ok || !je.IsCancelled() {
		t.Fatalf("join of the aborted task: %v", out.V1)
	}
	if y.cancels.Load() != 1 || y.g.polls.Load() != pollsAtAbort {
		t.Fatalf("cancels %d, polls %d (at abort %d)", y.cancels.Load(), y.g.polls.Load(), pollsAtAbort)
	}
}

// TestCurrentThreadHeldWakeCoalesced: wakes that land while a task waits
// in a held entry are covered by the poll it is about to get (the start
// clears NOTIFIED): two local wakes and a remote one before its turn cost
// one poll, not a spurious second.
func TestCurrentThreadHeldWakeCoalesced(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var polls atomic.Int32
	var release atomic.Bool
	var self Waker
	h := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		polls.Add(1)
		self = cx.Waker()
		return struct{}{}, release.Load()
	}))
	waker := SpawnOn(r, yieldUntil(func() bool { return polls.Load() > 0 }, nil))
	BlockOn(r, waker.JoinAsync())
	wakeTwice := SpawnOn(r, PollFunc(func(cx *Context) (int, bool) {
		cx.Wake(self) // held: RUNNING for the core
		cx.Wake(self) // recorded in NOTIFIED
		self.Wake()   // remote: recorded too, nothing queued
		return 0, true
	}))
	BlockOn(r, wakeTwice.JoinAsync())
	// The waiter's turn, and room for a spurious one.
	i := 0
	BlockOn(r, SpawnOn(r, yieldUntil(func() bool { i++; return i > 10 }, nil)).JoinAsync())
	if n := polls.Load(); n != 2 {
		t.Errorf("waiter polled %d times, want 2", n)
	}
	release.Store(true)
	self.Wake()
	BlockOn(r, h.JoinAsync())
}

// TestCurrentThreadDumpYielding: a dump taken while the core's queue holds
// yielding tasks (held entries) reads them as scheduled, with their polls
// counted, and they run on afterwards. The dump is taken from a task of
// the runtime, between two of the yielders' polls, so nothing runs while
// it reads them.
func TestCurrentThreadDumpYielding(t *testing.T) {
	r := NewCurrentThread()
	defer r.Shutdown()
	var stop atomic.Bool
	const n = 4
	ys := make([]*yieldForever, n)
	hs := make([]*JoinHandle[struct{}], n)
	for i := range ys {
		ys[i] = &yieldForever{t: t, stop: &stop}
		hs[i] = SpawnOn[struct{}](r, ys[i])
	}
	var d TaskDump
	dumper := SpawnOn(r, yieldUntil(func() bool { return ys[n-1].g.polls.Load() >= 3 }, func() { d = r.Dump() }))
	BlockOn(r, dumper.JoinAsync())
	if len(d.Tasks) != n+1 {
		t.Fatalf("dump: %d tasks, want %d", len(d.Tasks), n+1)
	}
	for i, ti := range d.Tasks {
		if ti.ID == dumper.ID() {
			if ti.State != TaskRunning {
				t.Errorf("the dumping task: %+v", ti)
			}
			continue
		}
		// Its run of yields counts as one pending poll (released by
		// the dump); without the release it would read as running.
		if ti.State != TaskScheduled || ti.Polls != 1 || len(ti.Stack) != 1 {
			t.Errorf("task %d: %+v, want scheduled with one poll counted", i, ti)
		}
	}
	before := ys[0].g.polls.Load()
	BlockOn(r, yieldUntil(func() bool { return ys[0].g.polls.Load() > before+2 }, nil))
	stop.Store(true)
	for i, h := range hs {
		if out := BlockOn(r, h.JoinAsync()); out.V1 != nil {
			t.Fatalf("task %d: %v", i, out.V1)
		}
	}
}

// TestCurrentThreadShutdownHeld: Shutdown cancels, once each, the tasks
// of held entries — yielders left in the local queue, and joiners that
// a cancellation woke through the core's Context while the owned list
// was being emptied.
func TestCurrentThreadShutdownHeld(t *testing.T) {
	r := NewCurrentThread()
	ys := make([]*yieldForever, 8)
	for i := range ys {
		ys[i] = &yieldForever{t: t}
		SpawnOn[struct{}](r, ys[i])
	}
	var ws []*pending
	var joiners []*pending
	for i := 0; i < 8; i++ {
		p := &pending{}
		ws = append(ws, p)
		k := SpawnOn[struct{}](r, p)
		j := &pending{}
		joiners = append(joiners, j)
		jf := k.JoinAsync()
		// A joiner of k: pending on k's join, counting its own cancel.
		SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			if _, ok := jf.Poll(cx); ok {
				t.Error("joiner saw k complete before Shutdown")
				return struct{}{}, true
			}
			j.polls.Add(1)
			return struct{}{}, false
		}))
		_ = j
	}
	BlockOn(r, yieldUntil(func() bool { return ys[len(ys)-1].g.polls.Load() >= 2 }, nil))
	r.Shutdown()
	for i, y := range ys {
		if y.cancels.Load() != 1 {
			t.Errorf("yielder %d: %d cancels", i, y.cancels.Load())
		}
	}
	for i, p := range ws {
		if p.cancels.Load() != 1 {
			t.Errorf("pending %d: %d cancels", i, p.cancels.Load())
		}
	}
	if m := r.Metrics(); m.LiveTasks != 0 || m.Completed != m.Spawned {
		t.Fatalf("after shutdown: %+v", m)
	}
}

// wokenTask is pending until it has been polled want times; it registers
// its waker at every poll and counts polls (a double poll fails the test)
// and cancels.
type wokenTask struct {
	t       testing.TB
	g       pollGuard
	want    int64
	waker   atomic.Pointer[Waker]
	polled  chan struct{} // optional: receives after each poll
	cancels atomic.Int32
}

func (f *wokenTask) Poll(cx *Context) (struct{}, bool) {
	f.g.enter(f.t)
	defer f.g.exit()
	wk := cx.Waker()
	f.waker.Store(&wk)
	if f.polled != nil {
		defer func() { f.polled <- struct{}{} }()
	}
	return struct{}{}, f.g.polls.Load() >= f.want
}

func (f *wokenTask) Cancel() { f.cancels.Add(1) }

// TestMultiAbortHeldSlot: a task woken into the LIFO slot (held: the wake
// took RUNNING) and aborted before the poll that woke it returns is
// cancelled when the worker takes it from the slot, once, unpolled.
func TestMultiAbortHeldSlot(t *testing.T) {
	r := NewMultiThread(WithWorkers(1))
	defer r.Shutdown()
	b := &wokenTask{t: t, want: 1 << 30, polled: make(chan struct{}, 1)}
	hb := SpawnOn[struct{}](r, b)
	<-b.polled
	a := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		cx.Wake(*b.waker.Load()) // into the slot, held
		hb.Abort()               // CANCELLED on a held task: no push
		return struct{}{}, true
	}))
	a.Join()
	if _, err := hb.Join(); err == nil || !err.(*JoinError).IsCancelled() {
		t.Fatalf("join of the aborted task: %v", err)
	}
	if b.cancels.Load() != 1 || b.g.polls.Load() != 1 {
		t.Fatalf("cancels %d, polls %d", b.cancels.Load(), b.g.polls.Load())
	}
}

// TestMultiPrivateSlotAfterPanic: a task woken into the private LIFO slot
// (nobody searches: one worker) by a poll that then panics is run by the
// worker's next pick, not stranded with the RUNNING bit the wake took.
func TestMultiPrivateSlotAfterPanic(t *testing.T) {
	r := NewMultiThread(WithWorkers(1))
	defer r.Shutdown()
	b := &wokenTask{t: t, want: 2, polled: make(chan struct{}, 2)}
	hb := SpawnOn[struct{}](r, b)
	<-b.polled
	a := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		cx.Wake(*b.waker.Load())
		if cx.w.next == nil {
			t.Error("the wake did not use the private slot")
		}
		panic("after the wake")
	}))
	if _, err := a.Join(); err == nil {
		t.Fatal("the panicking task did not fail")
	}
	if _, err := hb.Join(); err != nil || b.g.polls.Load() != 2 {
		t.Fatalf("woken task: %v, %d polls", err, b.g.polls.Load())
	}
}

// wakeIntoPublicSlot wakes the idle task h from a poll on a multi-thread
// worker as Context.Wake does while another worker searches: a held entry
// in the worker's public LIFO slot.
func wakeIntoPublicSlot(t *testing.T, cx *Context, h *taskHeader) {
	if push, held := h.state.wakeHeld(runningOn(cx.w.index)); !push || !held {
		t.Error("wakeHeld of an idle task did not hold it")
	}
	cx.w.putLIFO(h, heldWake)
}

// TestMultiStealHeldSlot: a task woken into the slot of a worker whose poll
// then blocks is taken by the other worker (a parking stealer), which
// polls it with the RUNNING bit the wake took: once, with the second wake
// that landed meanwhile covered by that poll.
func TestMultiStealHeldSlot(t *testing.T) {
	r := NewMultiThread(WithWorkers(2))
	defer r.Shutdown()
	b := &wokenTask{t: t, want: 3, polled: make(chan struct{}, 4)}
	hb := SpawnOn[struct{}](r, b)
	<-b.polled
	woke := make(chan struct{})
	a := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		// What Context.Wake does while another worker searches (else the
		// task would go to the private slot, which nobody steals from).
		wakeIntoPublicSlot(t, cx, &hb.task().taskHeader)
		cx.Wake(*b.waker.Load()) // NOTIFIED on the held task
		close(woke)
		// Block this worker (a misbehaving poll) until the other one
		// has stolen and polled b.
		<-b.polled
		return struct{}{}, true
	}))
	<-woke
	// A lone slot task wakes no parked worker: a spawn from outside does,
	// and after running it that worker searches and takes the slot's task.
	SpawnOn(r, PollFunc(func(*Context) (struct{}, bool) { return struct{}{}, true }))
	a.Join()
	if n := b.g.polls.Load(); n != 2 || hb.IsFinished() {
		t.Fatalf("b: %d polls (finished %v), want 2 and pending", n, hb.IsFinished())
	}
	(*b.waker.Load()).Wake()
	<-b.polled
	if _, err := hb.Join(); err != nil || b.g.polls.Load() != 3 {
		t.Fatalf("b: %v, %d polls", err, b.g.polls.Load())
	}
}

// TestMultiShutdownHeldSlot: Shutdown cancels, once, the task of a held
// entry left in the (public) LIFO slot of a worker stuck in a poll past
// ShutdownTimeout; a task in the stuck worker's private slot is cancelled
// by that worker when the poll returns, as is the stuck task.
func TestMultiShutdownHeldSlot(t *testing.T) {
	for _, public := range []bool{true, false} {
		r := NewMultiThread(WithWorkers(1))
		b := &wokenTask{t: t, want: 1 << 30, polled: make(chan struct{}, 1)}
		hb := SpawnOn[struct{}](r, b)
		<-b.polled
		entered, release := make(chan struct{}), make(chan struct{})
		var aCancels atomic.Int32
		SpawnOn[struct{}](r, &cancelCounting{cancels: &aCancels, poll: func(cx *Context) (struct{}, bool) {
			if public {
				// What a wake does while another worker searches.
				wakeIntoPublicSlot(t, cx, &hb.task().taskHeader)
			} else {
				cx.Wake(*b.waker.Load()) // nobody searches: the private slot
			}
			close(entered)
			<-release
			return struct{}{}, false
		}})
		<-entered
		if r.ShutdownTimeout(10 * time.Millisecond) {
			t.Fatal("Shutdown did not time out on the stuck poll")
		}
		if want := map[bool]int32{true: 1, false: 0}[public]; b.cancels.Load() != want || b.g.polls.Load() != 1 {
			t.Errorf("public %v: held task: cancels %d (want %d), polls %d", public, b.cancels.Load(), want, b.g.polls.Load())
		}
		close(release)
		waitFor(func() bool { return aCancels.Load() == 1 && b.cancels.Load() == 1 })
		if b.g.polls.Load() != 1 {
			t.Errorf("public %v: the held task was polled after Shutdown", public)
		}
	}
}

// cancelCounting is a PollFunc that counts its cancels.
type cancelCounting struct {
	cancels *atomic.Int32
	poll    func(cx *Context) (struct{}, bool)
}

func (c *cancelCounting) Poll(cx *Context) (struct{}, bool) { return c.poll(cx) }
func (c *cancelCounting) Cancel()                           { c.cancels.Add(1) }

// TestHeldStateRaces is TestStateRacesWithShutdown with held entries: the
// wakers queue held entries (wakeHeld) as well as ordinary ones, the runner
// keeps RUNNING after some of its polls (a yield on the current-thread
// core) and starts held entries with startHeld, while other goroutines
// wake, abort and shut the task down. The task is never run twice at once,
// never popped from a held entry without RUNNING, and completes once.
func TestHeldStateRaces(t *testing.T) {
	for seed := int64(0); seed < 500; seed++ {
		stateRace(t, seed, true)
	}
}

// TestLIFOCapFairWithPrivateSlot: on one worker a local ping-pong pair
// shares it with a task that yields at every poll (so it sits in the ring):
// the wake of the last LIFO poll of each run goes behind the yielder (the
// private slot takes it only when the ring is empty), so the yielder is
// polled about once a round trip (a private slot that took the capped wake
// regardless let it run about once every four).
func TestLIFOCapFairWithPrivateSlot(t *testing.T) {
	const rounds = 2000
	r := NewMultiThread(WithWorkers(1))
	defer r.Shutdown()
	var stop atomic.Bool
	y := &yieldForever{t: t, stop: &stop}
	hy := SpawnOn[struct{}](r, y)
	waitFor(func() bool { return y.g.polls.Load() > 0 })
	before := y.g.polls.Load()
	pingPong(r, rounds, true)
	during := y.g.polls.Load() - before
	stop.Store(true)
	hy.Join()
	if during < rounds/2 {
		t.Fatalf("the yielder was polled %d times during %d local round trips (want >= %d)", during, rounds, rounds/2)
	}
}
