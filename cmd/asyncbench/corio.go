package main

import (
	"time"

	"github.com/corio-go/corio/rt"
)

// The corio side's plumbing: each workload runs on a fresh runtime of the
// flavour being measured, inside a task (see inside in workloads.go).

func corioTime(fl flavor, f rt.Future[time.Duration]) time.Duration {
	r := fl.newRuntime()
	defer r.Shutdown()
	return rt.BlockOn(r, insideAsync(f))
}

// timerFuture arms n timers through rt.SleepFuture values polled once (a
// sleep arms its timer at its first poll) and then cancels them all: the
// Tokio anchor's "create sleeps, poll each once, drop all". The sleeps are
// held by value, as a generated future holds the rt.MakeSleep of each
// rt.Sleep it awaits in its own state, in one slice made after the clock
// starts: the memory the timers live in is timed too, as time.AfterFunc's
// allocation of each timer is on the goroutine side. It is hand-written
// because an async function has no way to poll a future once and move on.
//
// With split set, the cancels come in the task's next poll (the first one
// wakes the task and returns pending): the runtime arms a poll's timers when
// the poll returns, so the timers row's arms and cancels in one poll never
// reach a wheel, and this variant measures the path where they do.
type timerFuture struct {
	n     int
	split bool
	start time.Duration    // clockStart at the first poll
	sl    []rt.SleepFuture // armed by the first poll
}

func (t *timerFuture) Poll(cx *rt.Context) (time.Duration, bool) {
	if t.sl == nil {
		t.start = clockStart()
		t.sl = make([]rt.SleepFuture, t.n)
		for i := range t.sl {
			s := &t.sl[i]
			*s = rt.MakeSleep(timerDelay(i))
			if _, ready := s.Poll(cx); ready {
				panic("asyncbench: a one-second sleep was ready at its first poll")
			}
		}
		if t.split {
			cx.Waker().Wake()
			return 0, false
		}
	}
	for i := range t.sl {
		t.sl[i].Cancel()
	}
	return clockSince(t.start), true
}

// corioTimers runs timerFuture unconstrained: with the cooperative budget a
// sleep polled after 128 others in one task poll would refuse and arm nothing.
func corioTimers(fl flavor, n int) time.Duration {
	return corioTime(fl, rt.Unconstrained[time.Duration](&timerFuture{n: n}))
}

// corioTimersPolls is corioTimers with the cancels in the next task poll.
func corioTimersPolls(fl flavor, n int) time.Duration {
	return corioTime(fl, rt.Unconstrained[time.Duration](&timerFuture{n: n, split: true}))
}

// corioIdle spawns n tasks suspended on a notify (sleep false) or on a
// one-hour rt.Sleep, and returns the heap bytes they hold, per task. The
// tasks stay suspended on the runtime between BlockOn and the measurement;
// closing the notify and shutting the runtime down releases them.
func corioIdle(fl flavor, n int, sleep bool) float64 {
	r := fl.newRuntime()
	before := heapInUse()
	var nt *notify
	if !sleep {
		nt = &notify{}
	}
	rt.BlockOn(r, spawnIdleAsync(n, nt))
	after := heapInUse()
	if nt != nil {
		nt.Close()
	}
	r.Shutdown()
	return float64(int64(after)-int64(before)) / float64(n)
}
