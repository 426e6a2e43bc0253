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
	if s.wake() || s.load() != stateNotified {
		t.Fatal("wake of a Scheduled task must be a no-op")
	}
	if s.startRun() != startPoll {
		t.Fatal("startRun did not report poll")
	}
	if s.wake() || s.load() != stateRunning|stateNotified {
		t.Fatalf("wake while running: %s", stateString(s.load()))
	}
	if got := s.endPoll(false); got != endPollReschedule || s.load() != stateNotified {
		t.Fatalf("endPoll = %d, state %s", got, stateString(s.load()))
	}
	s.startRun()
	if got := s.endPoll(false); got != endPollIdle || s.load() != 0 {
		t.Fatalf("endPoll = %d, state %s", got, stateString(s.load()))
	}
	// A yield (Context.yield) during the poll: Running -> Scheduled in
	// endPoll, with or without a wake that landed as well.
	s.v.Store(stateNotified)
	s.startRun()
	if got := s.endPoll(true); got != endPollReschedule || s.load() != stateNotified {
		t.Fatalf("endPoll(woken) = %d, state %s", got, stateString(s.load()))
	}
	s.startRun()
	s.wake()
	if got := s.endPoll(true); got != endPollReschedule || s.load() != stateNotified {
		t.Fatalf("endPoll(woken) after a wake = %d, state %s", got, stateString(s.load()))
	}
	s.startRun()
	if got := s.endPoll(false); got != endPollIdle || s.load() != 0 {
		t.Fatalf("endPoll = %d, state %s", got, stateString(s.load()))
	}
	if !s.wake() || s.load() != stateNotified {
		t.Fatal("wake of an Idle task must ask for a push")
	}
	s.startRun()
	if s.abort() || s.load() != stateRunning|stateCancelled {
		t.Fatalf("abort while running: %s", stateString(s.load()))
	}
	if got := s.endPoll(false); got != endPollCancel {
		t.Fatalf("endPoll after abort = %d", got)
	}
	s.complete(true)
	if s.wake() || s.abort() || s.shutdown() || s.load() != stateComplete|stateCancelled {
		t.Fatalf("complete task changed: %s", stateString(s.load()))
	}

	var idle taskState
	if !idle.abort() || idle.load() != stateNotified|stateCancelled {
		t.Fatalf("abort of Idle: %s", stateString(idle.load()))
	}
	if idle.abort() {
		t.Fatal("second abort must be a no-op")
	}
	if idle.startRun() != startCancel {
		t.Fatal("startRun of an aborted task must report cancel")
	}

	var sched taskState
	sched.start()
	if !sched.shutdown() || sched.load() != stateRunning|stateCancelled {
		t.Fatalf("shutdown of Scheduled: %s", stateString(sched.load()))
	}
	// The queue entry of a task shutdown took is stale: whoever pops it
	// drops it, while shutdown cancels and after it completed.
	if sched.startRun() != startSkip {
		t.Fatal("startRun of a task taken by shutdown must skip")
	}
	sched.complete(true)
	if sched.startRun() != startSkip || sched.load() != stateComplete|stateCancelled {
		t.Fatalf("startRun of a completed task must skip: %s", stateString(sched.load()))
	}
	// shutdown of a running task marks it; its runner cancels after the poll.
	var running taskState
	running.start()
	running.startRun()
	if running.shutdown() || running.load() != stateRunning|stateCancelled {
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
				switch s.startRun() {
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
