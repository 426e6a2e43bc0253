package rt

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestStateTransitions(t *testing.T) {
	var s taskState
	s.start()
	if s.wake() || s.load()&stateFlags != stateNotified {
		t.Fatal("wake of a Scheduled task must be a no-op")
	}
	if s.startRun(0) != startPoll {
		t.Fatal("startRun did not report poll")
	}
	if s.wake() || s.load()&stateFlags != stateRunning|stateNotified {
		t.Fatalf("wake while running: %s", stateString(s.load()))
	}
	if got := s.endPoll(false); got != endPollReschedule || s.load()&stateFlags != stateNotified {
		t.Fatalf("endPoll = %d, state %s", got, stateString(s.load()))
	}
	s.startRun(0)
	if got := s.endPoll(false); got != endPollIdle || s.load()&stateFlags != 0 {
		t.Fatalf("endPoll = %d, state %s", got, stateString(s.load()))
	}
	// A yield (Context.yield) during the poll: Running -> Scheduled in
	// endPoll, with or without a wake that landed as well.
	s.v.Store(stateNotified)
	s.startRun(0)
	if got := s.endPoll(true); got != endPollReschedule || s.load()&stateFlags != stateNotified {
		t.Fatalf("endPoll(woken) = %d, state %s", got, stateString(s.load()))
	}
	s.startRun(0)
	s.wake()
	if got := s.endPoll(true); got != endPollReschedule || s.load()&stateFlags != stateNotified {
		t.Fatalf("endPoll(woken) after a wake = %d, state %s", got, stateString(s.load()))
	}
	s.startRun(0)
	if got := s.endPoll(false); got != endPollIdle || s.load()&stateFlags != 0 {
		t.Fatalf("endPoll = %d, state %s", got, stateString(s.load()))
	}
	if !s.wake() || s.load()&stateFlags != stateNotified {
		t.Fatal("wake of an Idle task must ask for a push")
	}
	s.startRun(0)
	if s.abort() || s.load()&stateFlags != stateRunning|stateCancelled {
		t.Fatalf("abort while running: %s", stateString(s.load()))
	}
	if got := s.endPoll(false); got != endPollCancel {
		t.Fatalf("endPoll after abort = %d", got)
	}
	s.complete(true)
	if s.wake() || s.abort() || s.shutdown() || s.load()&stateFlags != stateComplete|stateCancelled {
		t.Fatalf("complete task changed: %s", stateString(s.load()))
	}

	var idle taskState
	if !idle.abort() || idle.load()&stateFlags != stateNotified|stateCancelled {
		t.Fatalf("abort of Idle: %s", stateString(idle.load()))
	}
	if idle.abort() {
		t.Fatal("second abort must be a no-op")
	}
	if idle.startRun(0) != startCancel {
		t.Fatal("startRun of an aborted task must report cancel")
	}

	var sched taskState
	sched.start()
	if !sched.shutdown() || sched.load()&stateFlags != stateRunning|stateCancelled {
		t.Fatalf("shutdown of Scheduled: %s", stateString(sched.load()))
	}
	// The queue entry of a task shutdown took is stale: whoever pops it
	// drops it, while shutdown cancels and after it completed.
	if sched.startRun(0) != startSkip {
		t.Fatal("startRun of a task taken by shutdown must skip")
	}
	sched.complete(true)
	if sched.startRun(0) != startSkip || sched.load()&stateFlags != stateComplete|stateCancelled {
		t.Fatalf("startRun of a completed task must skip: %s", stateString(sched.load()))
	}
	// shutdown of a running task marks it; its runner cancels after the poll.
	var running taskState
	running.start()
	running.startRun(0)
	if running.shutdown() || running.load()&stateFlags != stateRunning|stateCancelled {
		t.Fatalf("shutdown of Running: %s", stateString(running.load()))
	}
	if running.shutdown() || running.endPoll(false) != endPollCancel {
		t.Fatal("second shutdown must be a no-op; endPoll must cancel")
	}
}

// TestStateConcurrent drives the state word with a model executor (a channel
// as run queue, one runner goroutine) while goroutines wake and abort it: the
// task is never queued twice, never run twice at once, cancelled at most once,
// and a wake-up after the wakers finished always leads to one more poll (no
// lost wake-up), which completes the task.
func TestStateConcurrent(t *testing.T) {
	for round := 0; round < 300; round++ {
		var s taskState
		queue := make(chan struct{}, 4)
		var queued, running atomic.Int32
		push := func() {
			if queued.Add(1) != 1 {
				t.Error("task queued twice")
			}
			queue <- struct{}{}
		}
		var wakersDone atomic.Bool
		cancels := 0
		runnerDone := make(chan struct{})
		go func() { // the runner
			defer close(runnerDone)
			for {
				<-queue
				queued.Add(-1)
				switch s.startRun(0) {
				case startCancel:
					cancels++
					s.complete(true)
					return
				case startSkip:
					t.Error("runner met a stale entry with no shutdown")
					return
				}
				if running.Add(1) != 1 {
					t.Error("task run twice at once")
				}
				finished := wakersDone.Load()
				running.Add(-1)
				if finished {
					s.complete(false)
					return
				}
				switch s.endPoll(false) {
				case endPollReschedule:
					push()
				case endPollCancel:
					cancels++
					s.complete(true)
					return
				}
			}
		}()
		s.start()
		push()
		aborter := round%3 == 1
		var wg sync.WaitGroup
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 100; i++ {
					if aborter && w == 0 && i == 50 {
						if s.abort() {
							push()
						}
						continue
					}
					if s.wake() {
						push()
					}
					if i%8 == 0 {
						runtime.Gosched()
					}
				}
			}()
		}
		wg.Wait()
		wakersDone.Store(true)
		if s.wake() {
			push()
		}
		<-runnerDone
		if cancels > 1 || (!aborter && cancels != 0) {
			t.Fatalf("round %d: cancels %d", round, cancels)
		}
		if s.wake() || s.abort() || len(queue) != 0 {
			t.Fatalf("round %d: task queued after completion", round)
		}
	}
}

// TestStateDiagnostics: the worker field and the poll count that the dump
// reads ride along in the transitions' CASes without changing any of them.
func TestStateDiagnostics(t *testing.T) {
	var s taskState
	s.start()
	if s.startRun(runningOn(2)) != startPoll || stateWorker(s.load()) != 2 {
		t.Fatalf("worker after startRun: %d (%s)", stateWorker(s.load()), stateString(s.load()))
	}
	if s.wake() || s.load()&stateFlags != stateRunning|stateNotified {
		t.Fatalf("wake while running: %s", stateString(s.load()))
	}
	if s.endPoll(false) != endPollReschedule || stateWorker(s.load()) != -1 || statePolls(s.load()) != 1 {
		t.Fatalf("after endPoll: worker %d, polls %d", stateWorker(s.load()), statePolls(s.load()))
	}
	for i := 0; i < 5; i++ {
		s.startRun(runningOn(0))
		s.endPoll(true)
	}
	if statePolls(s.load()) != 6 || s.load()&stateFlags != stateNotified {
		t.Fatalf("polls %d, state %s", statePolls(s.load()), stateString(s.load()))
	}
	if stateString(s.load()) != "NOTIFIED" {
		t.Fatalf("stateString = %q", stateString(s.load()))
	}
	// Saturation: the count stops at pollCountMax and never carries into
	// the state bits.
	s.v.Store(pollCountMax<<statePollShift | stateNotified)
	s.startRun(runningOn(0))
	if s.endPoll(false) != endPollIdle || statePolls(s.load()) != pollCountMax || s.load()&stateFlags != 0 {
		t.Fatalf("saturated: polls %d, state %s", statePolls(s.load()), stateString(s.load()))
	}
	if stateString(s.load()) != "Idle" {
		t.Fatalf("stateString of Idle with polls = %q", stateString(s.load()))
	}
	// Indices past the field read as unknown; Shutdown's RUNNING has none.
	if stateWorker(runningOn(500)) != -1 || stateWorker(runningOn(125)) != 125 {
		t.Fatal("runningOn saturation")
	}
	// A completed task drops everything but COMPLETE.
	s.wake()
	s.startRun(runningOn(3))
	s.complete(false)
	if s.load() != stateComplete {
		t.Fatalf("complete: %s", stateString(s.load()))
	}
}

// TestStateTracing: TRACING holds off startRun and shutdown, not wakes or
// aborts, and is refused on a running or complete task.
func TestStateTracing(t *testing.T) {
	var s taskState
	s.start()
	if _, ok := s.lockTrace(); !ok {
		t.Fatal("lockTrace of a Scheduled task failed")
	}
	if s.wake() || s.abort() {
		t.Fatal("wake/abort of a Scheduled task asked for a push")
	}
	started := make(chan startResult)
	go func() { started <- s.startRun(runningOn(1)) }()
	for i := 0; i < 100; i++ {
		runtime.Gosched()
	}
	select {
	case r := <-started:
		t.Fatalf("startRun returned %d while TRACING was held", r)
	default:
	}
	if s.load()&stateFlags != stateNotified|stateCancelled|stateTracing {
		t.Fatalf("state while traced: %s", stateString(s.load()))
	}
	s.unlockTrace()
	if r := <-started; r != startCancel || stateWorker(s.load()) != 1 {
		t.Fatalf("startRun after unlock = %d, worker %d", r, stateWorker(s.load()))
	}
	if st, ok := s.lockTrace(); ok || st&stateRunning == 0 {
		t.Fatalf("lockTrace of a running task: ok %v, %s", ok, stateString(st))
	}
	s.complete(true)
	if _, ok := s.lockTrace(); ok {
		t.Fatal("lockTrace of a complete task succeeded")
	}

	var idle taskState
	idle.lockTrace()
	done := make(chan bool)
	go func() { done <- idle.shutdown() }()
	for i := 0; i < 100; i++ {
		runtime.Gosched()
	}
	select {
	case <-done:
		t.Fatal("shutdown took RUNNING while TRACING was held")
	default:
	}
	idle.unlockTrace()
	if !<-done || idle.load()&stateFlags != stateRunning|stateCancelled {
		t.Fatalf("shutdown after unlock: %s", stateString(idle.load()))
	}
}
