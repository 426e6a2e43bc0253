package rt

import (
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The task state word. See "Task state" in doc.go for the full protocol; this
// file holds only the bits and the transitions, each a single CAS loop so that
// the word can be shared by any number of goroutines (wakers, aborters, the
// goroutine running the task) without a lock. The multi-thread scheduler reuses
// this file unchanged: nothing here assumes a single worker.
//
// Bits:
//
//	stateRunning   the goroutine that holds it owns the future exclusively and is
//	               polling, cancelling or completing the task.
//	stateNotified  a wake-up is pending. When RUNNING is clear the task is in
//	               exactly one run queue (or is about to be pushed by the
//	               goroutine whose transition set the bit). When RUNNING is set
//	               the runner re-queues the task after its poll.
//	stateComplete  terminal: the output (or JoinError) is stored and the future is
//	               released. No other bit changes afterwards except that
//	               stateCancelled records that the completion was a cancellation.
//	stateCancelled cancellation was requested (JoinHandle.Abort or runtime
//	               shutdown). The task is cancelled instead of polled the next
//	               time a runner holds RUNNING.
//	stateTracing   a task dump holds the future to read its await chain
//	               (dump.go). Set only on a task that is neither running nor
//	               complete; while it is set nobody takes RUNNING (startRun
//	               and shutdown wait, for the few microseconds a Trace
//	               takes). Wakes and aborts proceed and keep it.
//
// The rest of the word is diagnostics for the task dump, kept by CASes the
// transitions do anyway (no extra atomic operation on any path):
//
//	bits 5-11  while RUNNING: 1 + the index of the worker polling the task
//	           (saturating at 127), written by startRun, cleared by endPoll;
//	           0 when Shutdown holds RUNNING.
//	bits 12-31 the number of polls that returned pending, saturating at
//	           pollCountMax; incremented by endPoll.
//
// Every test of the state below masks the bits it means, so the upper bits
// never change a transition; complete drops them (a complete task is not
// dumped).
//
// Named states (RUNNING/NOTIFIED/COMPLETE; CANCELLED may be or'ed into the
// first four) and every legal transition:
//
//	Idle            = 0
//	Scheduled       = NOTIFIED
//	Running         = RUNNING
//	RunningNotified = RUNNING|NOTIFIED
//	Complete        = COMPLETE (|CANCELLED)
//
//	spawn                 (spawner)     -> Scheduled                 spawner pushes
//	wake    Idle          (anyone)      -> Scheduled                 waker pushes
//	wake    Running       (anyone)      -> RunningNotified
//	wake    other                       -> unchanged (no-op)
//	abort   Idle          (anyone)      -> Scheduled|CANCELLED       aborter pushes
//	abort   Scheduled/Running/RunningNotified -> same|CANCELLED
//	abort   Complete or already CANCELLED    -> unchanged (no-op)
//	startRun Scheduled    (runner, popped)   -> Running              poll
//	startRun Scheduled|CANCELLED             -> Running|CANCELLED    cancel
//	startRun RUNNING or COMPLETE set         -> unchanged            stale entry: drop
//	endPoll Running       (runner, pending)  -> Idle
//	endPoll RunningNotified                  -> Scheduled            runner pushes
//	endPoll any with CANCELLED               -> unchanged            runner cancels
//	complete Running*     (runner)           -> Complete(|CANCELLED)
//	shutdown Idle/Scheduled (Shutdown)       -> Running|CANCELLED    Shutdown cancels;
//	                                                                 a queued entry goes stale
//	shutdown Running*                        -> same|CANCELLED       runner cancels
//	lockTrace Idle/Scheduled(|CANCELLED) (dump) -> same|TRACING        dump reads the future
//	unlockTrace                                -> same&^TRACING
//
// The one invariant every transition keeps: a task is pushed onto a run queue
// only by the goroutine whose CAS moved it out of {Idle} into {Scheduled}
// (wake, abort) or out of RunningNotified into Scheduled (endPoll), so a task is
// never queued twice and never polled by two goroutines at once (the one
// exception, a stale entry left in a queue by shutdown, is never polled: its
// popper finds RUNNING or COMPLETE and drops it); and a wake that
// lands while the task runs is recorded in NOTIFIED, which endPoll reads in the
// same CAS that clears RUNNING, so it is never lost.
const (
	stateRunning   uint32 = 1 << 0
	stateNotified  uint32 = 1 << 1
	stateComplete  uint32 = 1 << 2
	stateCancelled uint32 = 1 << 3
	stateTracing   uint32 = 1 << 4

	// stateFlags masks the state proper (the named states above).
	stateFlags uint32 = 1<<5 - 1

	stateWorkerShift        = 5
	stateWorkerMax   uint32 = 1<<7 - 1
	stateWorkerMask         = stateWorkerMax << stateWorkerShift

	statePollShift        = 12
	pollCountMax   uint32 = 1<<(32-statePollShift) - 1
)

// runningOn is the worker field startRun records for the worker with the
// given index.
func runningOn(index int) uint32 {
	return uint32(min(index+1, int(stateWorkerMax))) << stateWorkerShift
}

// stateWorker returns the index of the worker polling a task in state v, or
// -1 when unknown (not running, Shutdown holds it, or an index past the
// field's range).
func stateWorker(v uint32) int {
	n := (v & stateWorkerMask) >> stateWorkerShift
	if n == 0 || n == stateWorkerMax {
		return -1
	}
	return int(n) - 1
}

// statePolls returns the pending-poll count of state v.
func statePolls(v uint32) uint32 { return v >> statePollShift }

// taskState is the atomic state word. All operations are sequentially
// consistent (Go's sync/atomic); the data it guards (the future, task.out,
// the frame stack and the JoinError in taskHeader.ext) is published by the
// CAS that changes RUNNING or COMPLETE.
type taskState struct {
	v atomic.Uint32
}

func (s *taskState) load() uint32 { return s.v.Load() }

// wake records a wake-up. It reports whether the caller must push the task
// onto a run queue (the Idle -> Scheduled transition).
func (s *taskState) wake() bool {
	for {
		cur := s.v.Load()
		if cur&(stateComplete|stateNotified) != 0 {
			return false
		}
		next := cur | stateNotified
		if s.v.CompareAndSwap(cur, next) {
			return cur&stateRunning == 0
		}
	}
}

// abort requests cancellation. It reports whether the caller must push the
// task onto a run queue so that its runtime cancels it (the Idle ->
// Scheduled|CANCELLED transition).
func (s *taskState) abort() bool {
	for {
		cur := s.v.Load()
		if cur&(stateComplete|stateCancelled) != 0 {
			return false
		}
		next := cur | stateCancelled
		push := false
		if cur&(stateRunning|stateNotified) == 0 {
			next |= stateNotified
			push = true
		}
		if s.v.CompareAndSwap(cur, next) {
			return push
		}
	}
}

// wakeHeld is wake for a waker that queues the task on the worker it
// runs on, to be polled there next (Context.Wake on that worker): from
// Idle it takes RUNNING for that worker at once, recording on, instead of
// setting NOTIFIED, so the entry it queues is held (see "Held entries" in
// doc.go) and its popper polls without startRun's compare-and-swap. It
// reports whether the caller must queue the task and whether the entry is
// held; a task a dump is reading (TRACING) is queued Scheduled, as by wake.
func (s *taskState) wakeHeld(on uint32) (push, held bool) {
	for {
		cur := s.v.Load()
		if cur&(stateComplete|stateNotified) != 0 {
			return false, false
		}
		if cur&stateRunning != 0 {
			if s.v.CompareAndSwap(cur, cur|stateNotified) {
				return false, false
			}
			continue
		}
		next := cur | stateNotified
		if cur&stateTracing == 0 {
			next = cur | stateRunning | on
		}
		if s.v.CompareAndSwap(cur, next) {
			return true, next&stateRunning != 0
		}
	}
}

// startHeld is startRun for a held entry: its popper already holds RUNNING
// (wakeHeld, or a yield that kept it). A wake that landed while the task
// waited set NOTIFIED, which is cleared here (the poll about to start
// covers it: register, then check), so only a wake during the poll makes
// it run again; without one the start is a plain load.
func (s *taskState) startHeld() startResult {
	for {
		cur := s.v.Load()
		if debug && cur&(stateRunning|stateComplete) != stateRunning {
			panic("corio/rt: held entry in state " + stateString(cur))
		}
		if cur&stateCancelled != 0 {
			return startCancel
		}
		if cur&stateNotified == 0 || s.v.CompareAndSwap(cur, cur&^stateNotified) {
			return startPoll
		}
	}
}

// releaseHeld gives up the RUNNING bit of a held entry that will be popped
// as an ordinary one (a dump is about to read the task, or it moves to a
// queue that holds Scheduled tasks only): Running(|NOTIFIED) to Scheduled,
// keeping CANCELLED, and counts polls pending polls (1 for the run of
// yields that kept the task held, 0 for a wake).
func (s *taskState) releaseHeld(polls uint32) {
	for {
		cur := s.v.Load()
		if debug && cur&(stateRunning|stateComplete) != stateRunning {
			panic("corio/rt: releasing a held entry in state " + stateString(cur))
		}
		next := addPolls(cur&^(stateRunning|stateWorkerMask)|stateNotified, polls)
		if s.v.CompareAndSwap(cur, next) {
			return
		}
	}
}

// addPolls adds n to the pending-poll count of state v, saturating.
func addPolls(v, n uint32) uint32 {
	return v&(1<<statePollShift-1) | min(v>>statePollShift+n, pollCountMax)<<statePollShift
}

// startResult says what a runner does with a task it popped.
type startResult uint8

const (
	startPoll   startResult = iota // RUNNING taken: poll the task
	startCancel                    // RUNNING taken, CANCELLED set: cancel it
	startSkip                      // a stale queue entry: someone else owns or finished the task
)

// startRun is called by a runner that popped the task from a run queue. In
// the Scheduled state it takes RUNNING, records on (runningOn of the
// runner's worker) and says whether to poll or cancel. If a dump is reading
// the task's future (TRACING), it waits for the dump to let go.
// Under parallelism a popped entry can also be stale: shutdown cancelled the
// task while it sat in a queue (it took RUNNING, and may have completed it
// since), so RUNNING or COMPLETE set means "not yours, drop the entry". The
// Idle state is never met (a task in a queue has NOTIFIED until it is popped
// or shut down); meeting it is a scheduler bug, reported under debug and
// otherwise treated as stale.
func (s *taskState) startRun(on uint32) startResult {
	for spins := 0; ; {
		cur := s.v.Load()
		if cur&(stateRunning|stateComplete|stateTracing) != 0 {
			if cur&stateTracing != 0 {
				traceWait(&spins)
				continue
			}
			return startSkip
		}
		if cur&stateNotified == 0 {
			if debug {
				panic("corio/rt: task popped from a run queue in state " + stateString(cur))
			}
			return startSkip
		}
		next := (cur &^ stateNotified) | stateRunning | on
		if s.v.CompareAndSwap(cur, next) {
			if cur&stateCancelled != 0 {
				return startCancel
			}
			return startPoll
		}
	}
}

// endPollResult says what the runner does after a poll that returned pending.
type endPollResult uint8

const (
	endPollIdle       endPollResult = iota // nothing: a future wake will queue it
	endPollReschedule                      // push the task onto the local queue
	endPollCancel                          // cancel it now (RUNNING is kept)
)

// endPoll is called by the runner after a poll returned pending. woken says
// that the task woke itself during the poll through a yield
// (Context.yield), which does not set NOTIFIED: it counts as a wake landing
// while running, so the one CAS here takes Running to Scheduled. The same
// CAS clears the worker field and counts the poll for the dump.
func (s *taskState) endPoll(woken bool) endPollResult { return s.endPollN(woken, 1) }

// endPollN is endPoll counting polls pending polls: 2 for the poll that
// ends a run of yields kept held (see "Held entries" in doc.go), which
// counts the run as one.
func (s *taskState) endPollN(woken bool, polls uint32) endPollResult {
	var notify uint32
	if woken {
		notify = stateNotified
	}
	for {
		cur := s.v.Load()
		if debug && cur&(stateRunning|stateComplete) != stateRunning {
			panic("corio/rt: endPoll in state " + stateString(cur))
		}
		if cur&stateCancelled != 0 {
			return endPollCancel
		}
		next := addPolls(cur&^(stateRunning|stateWorkerMask)|notify, polls)
		if s.v.CompareAndSwap(cur, next) {
			if next&stateNotified != 0 {
				return endPollReschedule
			}
			return endPollIdle
		}
	}
}

// complete moves a running task to Complete. cancelled records why.
func (s *taskState) complete(cancelled bool) {
	for {
		cur := s.v.Load()
		if cur&(stateRunning|stateComplete) != stateRunning {
			panic("corio/rt: completing a task in state " + stateString(cur))
		}
		next := stateComplete
		if cancelled {
			next |= stateCancelled
		}
		if s.v.CompareAndSwap(cur, next) {
			return
		}
	}
}

// shutdown is called by a runtime's Shutdown to cancel a task (Tokio's
// transition_to_shutdown). It sets CANCELLED and, unless the task is running
// or complete, takes RUNNING — also from Scheduled, i.e. while the task sits
// in some worker's queue: that queue entry becomes stale, and whoever pops it
// later drops it (startRun returns startSkip). It reports whether the caller
// took RUNNING and must cancel the task itself; false means the task is
// complete, or is running on some worker, which cancels it after its poll
// (endPoll sees CANCELLED).
func (s *taskState) shutdown() bool {
	for spins := 0; ; {
		cur := s.v.Load()
		if cur&stateComplete != 0 {
			return false
		}
		if cur&stateRunning != 0 {
			if cur&stateCancelled != 0 || s.v.CompareAndSwap(cur, cur|stateCancelled) {
				return false
			}
			continue
		}
		if cur&stateTracing != 0 {
			traceWait(&spins)
			continue
		}
		next := (cur &^ stateNotified) | stateRunning | stateCancelled
		if s.v.CompareAndSwap(cur, next) {
			return true
		}
	}
}

// lockTrace takes TRACING for a task dump, which may then read the task's
// future: it fails, returning the state it saw, when the task is running
// (its future belongs to the poller) or complete; it waits while another dump
// holds TRACING. The caller releases it with unlockTrace.
func (s *taskState) lockTrace() (uint32, bool) {
	for spins := 0; ; {
		cur := s.v.Load()
		if cur&(stateRunning|stateComplete) != 0 {
			return cur, false
		}
		if cur&stateTracing != 0 {
			traceWait(&spins)
			continue
		}
		if s.v.CompareAndSwap(cur, cur|stateTracing) {
			return cur, true
		}
	}
}

// unlockTrace releases TRACING. Only wakes and aborts can have changed the
// word meanwhile (nobody takes RUNNING while it is set); they keep the bit.
func (s *taskState) unlockTrace() { s.v.And(^stateTracing) }

// traceWait is the wait of a runner that found TRACING set: a dump holds the
// task for one Trace call, so spin, then yield the thread in case the dump's
// goroutine was preempted.
func traceWait(spins *int) {
	if *spins++; *spins > 16 {
		runtime.Gosched()
	}
}

// start sets the initial Scheduled state of a task that is about to be pushed
// for the first time. Nothing else can see the word yet, so it is a plain
// store (an atomic one is a locked instruction per spawn): the push that
// publishes the task (a queue's lock or atomic store) orders it before every
// other goroutine's load.
func (s *taskState) start() { *(*uint32)(unsafe.Pointer(&s.v)) = stateNotified }

func stateString(v uint32) string {
	if v&stateFlags == 0 {
		return "Idle"
	}
	var b []byte
	add := func(bit uint32, name string) {
		if v&bit != 0 {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, name...)
		}
	}
	add(stateRunning, "RUNNING")
	add(stateNotified, "NOTIFIED")
	add(stateComplete, "COMPLETE")
	add(stateCancelled, "CANCELLED")
	add(stateTracing, "TRACING")
	return string(b)
}
