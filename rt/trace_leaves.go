package rt

import (
	"strconv"
	"time"

	"github.com/corio-go/corio/poller"
)

// Trace methods of rt's own futures (see Tracer): what a task suspended in
// one of them waits for. Each reads only what its poller owns, immutable
// fields, or state it reads atomically or under its own lock, since a
// waker may run on another goroutine while a dump calls Trace.

// Trace implements Tracer.
func (y *YieldNowFuture) Trace() Trace {
	return Trace{Func: "rt.YieldNow", Detail: "yielded to the scheduler"}
}

// Trace implements Tracer: the time left until the deadline.
func (s *SleepFuture) Trace() Trace {
	t := Trace{Func: "rt.Sleep"}
	switch {
	case s.done:
		t.Detail = "done"
	case s.drv == nil && s.absolute:
		t.Detail = "until " + s.until().Format(time.RFC3339Nano) + ", not polled yet"
	case s.drv == nil:
		t.Detail = "for " + s.dur.String() + ", not polled yet"
	default:
		at, _ := s.Deadline()
		t.Detail = deadlineDetail(at, s.drv.Now())
	}
	return t
}

// deadlineDetail says how far at is from now: "deadline in 1.5s".
func deadlineDetail(at, now time.Time) string {
	left := at.Sub(now)
	if left <= 0 {
		return "deadline passed " + (-left).Round(time.Millisecond).String() + " ago"
	}
	return "deadline in " + left.Round(time.Millisecond).String()
}

// Trace implements Tracer: the deadline, and the inner future as the one it
// awaits.
func (t *TimeoutFuture[T]) Trace() Trace {
	tr := Trace{Func: "rt.Timeout[...]"}
	switch {
	case t.done:
		tr.Detail = "done"
		return tr
	case t.drv == nil || !t.timer.Armed():
		tr.Detail = "after " + t.dur.String() + ", not armed yet"
	default:
		tr.Detail = deadlineDetail(t.drv.TickTime(t.drv.DeadlineOf(&t.timer)), t.drv.Now())
	}
	tr.Awaiting = t.f
	return tr
}

// Trace implements Tracer.
func (t *intervalTick) Trace() Trace {
	return Trace{Func: "rt.(*Interval).Tick", Detail: "every " + t.iv.period.String()}
}

// Trace implements Tracer: the descriptor and the direction.
func (f *readableFuture) Trace() Trace {
	return (*Registration)(f).TraceWait("rt.(*Registration).Readable", poller.DirRead)
}

// Trace implements Tracer: the descriptor and the direction.
func (f *writableFuture) Trace() Trace {
	return (*Registration)(f).TraceWait("rt.(*Registration).Writable", poller.DirWrite)
}

// Trace implements Tracer: the descriptor and the direction.
func (f *ioFuture) Trace() Trace { return f.r.TraceWait("rt.(*Registration).IO", f.dir) }

// TraceWait is the Trace of a leaf future named fn that waits for dir's
// readiness on r: its Detail is "fd 12, waiting readable" (or writable).
// Hand-written leaves over a Registration return it from their Trace
// method (see Tracer), so that every task dump says it alike. It reads
// only the registration's descriptor, which never changes.
func (r *Registration) TraceWait(fn string, dir Direction) Trace {
	d := "readable"
	if dir == poller.DirWrite {
		d = "writable"
	}
	return Trace{Func: fn, Detail: "fd " + strconv.Itoa(r.Fd()) + ", waiting " + d}
}

// Trace implements Tracer: the task joined.
func (j *joinFuture[T]) Trace() Trace {
	t := (*task[T])(j)
	tr := Trace{Func: "rt.(*JoinHandle[...]).Join", Detail: "task " + strconv.FormatUint(t.id, 10)}
	if t.complete() {
		tr.Detail += ", finished"
	}
	return tr
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (s *Select2Future[T0, T1]) Trace() Trace {
	return comboTrace("rt.Select2[...]", "select", s.over, s.bs.b0.f, s.bs.b1.f)
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (s *Select3Future[T0, T1, T2]) Trace() Trace {
	return comboTrace("rt.Select3[...]", "select", s.over, s.bs.b0.f, s.bs.b1.f, s.bs.b2.f)
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (s *Select4Future[T0, T1, T2, T3]) Trace() Trace {
	return comboTrace("rt.Select4[...]", "select", s.over, s.bs.b0.f, s.bs.b1.f, s.bs.b2.f, s.bs.b3.f)
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (f *join2[T0, T1]) Trace() Trace {
	return comboTrace("rt.Join2[...]", "join", f.over, f.bs.b0.f, f.bs.b1.f)
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (f *join3[T0, T1, T2]) Trace() Trace {
	return comboTrace("rt.Join3[...]", "join", f.over, f.bs.b0.f, f.bs.b1.f, f.bs.b2.f)
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (f *join4[T0, T1, T2, T3]) Trace() Trace {
	b := &f.bs
	return comboTrace("rt.Join4[...]", "join", f.over, b.b0.f, b.b1.f, b.b2.f, b.b3.f)
}

// Trace implements Tracer: the futures of a select or join (comboTrace).
func (f *tryJoin2[T0, T1]) Trace() Trace {
	return comboTrace("rt.TryJoin2[...]", "join", f.over, f.bs.b0.f, f.bs.b1.f)
}

// comboTrace is the Trace of a select or join whose branches hold fs (nil:
// completed or cancelled): "select of 3", "join of 3, 2 pending", awaiting
// the first pending branch.
func comboTrace(fn, kind string, over bool, fs ...any) Trace {
	t := Trace{Func: fn, Detail: kind + " of " + strconv.Itoa(len(fs))}
	if over {
		t.Detail += ", done"
		return t
	}
	pending := 0
	for _, f := range fs {
		if f != nil {
			if pending == 0 {
				t.Awaiting = f
			}
			pending++
		}
	}
	if kind == "join" {
		t.Detail += ", " + strconv.Itoa(pending) + " pending"
	}
	return t
}

// Trace implements Tracer: every branch is pending until one is ready, the
// first one awaited.
func (s *selectN[T]) Trace() Trace {
	t := Trace{Func: "rt.SelectN[...]", Detail: "select of " + strconv.Itoa(len(s.fs))}
	if s.over {
		t.Detail += ", done"
	} else if len(s.fs) > 0 {
		t.Awaiting = s.fs[0]
	}
	return t
}

// Trace implements Tracer; see allBranches.trace.
func (f *joinAllFuture[T]) Trace() Trace { return f.all.trace("rt.JoinAll[...]") }

// Trace implements Tracer; see allBranches.trace.
func (f *tryJoinAllFuture[T]) Trace() Trace { return f.all.trace("rt.TryJoinAll[...]") }

// trace is a JoinAll's Trace: "join of 100, 3 pending", awaiting the first
// pending branch (a.fs and a.left are the poller's).
func (a *allBranches[R]) trace(fn string) Trace {
	t := Trace{Func: fn, Detail: "join of " + strconv.Itoa(len(a.fs))}
	if a.done {
		t.Detail += ", done"
		return t
	}
	t.Detail += ", " + strconv.Itoa(a.left) + " pending"
	for _, f := range a.fs {
		if f != nil {
			t.Awaiting = f
			break
		}
	}
	return t
}

// Trace implements Tracer: the tasks of the set still to join (the set's
// count is its owner's, the task polling this future).
func (j *joinSetNext[T]) Trace() Trace {
	return Trace{Func: "rt.(*JoinSet[...]).JoinNext", Detail: "join set of " + strconv.Itoa(j.n) + " tasks"}
}

// Trace implements Tracer; see joinSetNext.Trace.
func (j *joinSetShutdown[T]) Trace() Trace {
	return Trace{Func: "rt.(*JoinSet[...]).Shutdown", Detail: "join set of " + strconv.Itoa(j.n) + " tasks"}
}

// Trace implements Tracer: where the blocking function is (the cell's
// state is atomic).
func (c *blockingCell[T]) Trace() Trace {
	t := Trace{Func: "rt.SpawnBlocking[...]"}
	switch c.state.Load() {
	case cellWaiting:
		t.Detail = "queued for the blocking pool"
	case cellRunning:
		t.Detail = "running on the blocking pool"
	case cellDone:
		t.Detail = "done"
	default:
		t.Detail = "cancelled"
	}
	return t
}

// Trace implements Tracer: the direct-mode future of Async, whose function
// runs on a goroutine of its own (its outcome is guarded by c.mu).
func (c *closureFuture[T]) Trace() Trace {
	t := Trace{Func: "rt.Async[...]", Detail: "not started"}
	if c.f == nil {
		c.mu.Lock()
		done := c.done
		c.mu.Unlock()
		t.Detail = "running on a goroutine"
		if done {
			t.Detail = "done"
		}
	}
	return t
}

// Trace implements Tracer: the signals already queued (under the set's lock).
func (f *signalRecv) Trace() Trace {
	f.mu.Lock()
	n, stopped := len(f.queue), f.stopped
	f.mu.Unlock()
	t := Trace{Func: "rt.(*Signals).Recv", Detail: strconv.Itoa(n) + " queued"}
	if stopped {
		t.Detail += ", stopped"
	}
	return t
}

// Trace implements Tracer.
func (c *contextDone) Trace() Trace {
	return Trace{Func: "rt.ContextDone", Detail: "waiting for the context's Done"}
}

// Trace implements Tracer: the future it runs without budget checks.
func (u *unconstrained[T]) Trace() Trace {
	return Trace{Func: "rt.Unconstrained[...]", Awaiting: u.f}
}
