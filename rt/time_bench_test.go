package rt

import (
	"testing"
	"time"
)

// The timers row of the benchmark table: arm + cancel one timer through the
// public API, against the Go runtime's time.AfterFunc + Stop in the same file
// (run both in one `go test -bench 'ArmCancel|AfterFunc'` to compare).
// SleepArmCancel pays for the future's allocation (what generated code does
// today); SleepArmCancelByValue is the same arm and cancel with the future
// held by value. What is left of the latter is one clock reading and one
// shard lock pair each for the arm and the cancel.

// BenchmarkSleepArmCancel creates a SleepAsync future, polls it once (arming
// its timer on the default driver) and cancels it.
func BenchmarkSleepArmCancel(b *testing.B) {
	cx := NewContext(nopWaker{})
	b.ReportAllocs()
	for b.Loop() {
		sleepArmCancel(cx)
	}
}

func sleepArmCancel(cx *Context) {
	s := SleepAsync(time.Second)
	s.Poll(cx)
	s.Cancel()
}

// BenchmarkSleepArmCancelByValue is BenchmarkSleepArmCancel with the
// SleepFuture held by value (as a hand-written future embeds it) and re-armed
// with Reset: the same arm and cancel, without the future's allocation.
func BenchmarkSleepArmCancelByValue(b *testing.B) {
	cx := NewContext(nopWaker{})
	var s SleepFuture
	b.ReportAllocs()
	for b.Loop() {
		s.Reset(time.Second)
		s.Poll(cx)
		s.Cancel()
	}
}

// BenchmarkTimeoutArmCancel polls a one-hour timeout around a pending
// future once (arming its timer on the default driver) and cancels it:
// "ptr" through TimeoutAsync (one allocation, the future), "value" through
// MakeTimeout's value, as generated code holds it.
func BenchmarkTimeoutArmCancel(b *testing.B) {
	cx := NewContext(nopWaker{})
	inner := &pending{}
	b.Run("ptr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := TimeoutAsync[struct{}](time.Hour, inner)
			f.Poll(cx)
			Cancel(f)
		}
	})
	b.Run("value", func(b *testing.B) {
		var f TimeoutFuture[struct{}]
		b.ReportAllocs()
		for b.Loop() {
			f = MakeTimeout[struct{}](time.Hour, inner)
			f.Poll(cx)
			f.Cancel()
		}
	})
}

// BenchmarkSleepArmCancelParallel is BenchmarkSleepArmCancel from every P.
func BenchmarkSleepArmCancelParallel(b *testing.B) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		cx := NewContext(nopWaker{})
		for pb.Next() {
			sleepArmCancel(cx)
		}
	})
}

// BenchmarkSleepDropBeforePoll is a Sleep that is cancelled before its first
// poll: the allocation of the future and nothing else (no lock, no wheel).
func BenchmarkSleepDropBeforePoll(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		SleepAsync(time.Second).Cancel()
	}
}

// BenchmarkAfterFuncStop is the goroutine world's arm + cancel.
func BenchmarkAfterFuncStop(b *testing.B) {
	f := func() {}
	b.ReportAllocs()
	for b.Loop() {
		time.AfterFunc(time.Second, f).Stop()
	}
}

// BenchmarkAfterFuncStopParallel is BenchmarkAfterFuncStop from every P.
func BenchmarkAfterFuncStopParallel(b *testing.B) {
	f := func() {}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			time.AfterFunc(time.Second, f).Stop()
		}
	})
}

type nopWaker struct{}

func (nopWaker) Wake() {}

// The asyncbench timers workload inside a runtime: a task arms timerBatch
// sleeps (deadlines spread over 10 s, a second away, as the asyncbench row and
// the Tokio anchor spread them), polling each once, then cancels them all;
// one op is one arm plus one cancel. "alloc" creates each sleep with
// SleepAsync (one allocation per sleep); "value" holds the sleeps by value in
// one slice, as a generated future holds its SleepFuture in its own state.
// Compare with AfterFuncBatch, the same shape on Go's timers.
const timerBatch = 1 << 16

func timerBenchDelay(i int) time.Duration {
	return time.Second + time.Duration(i%10000)*time.Millisecond
}

// armCancelBatch is the task of BenchmarkTimersRuntime: it arms and cancels n
// timers, timerBatch at a time.
type armCancelBatch struct {
	n     int
	byVal bool
	ptrs  []*SleepFuture
	vals  []SleepFuture
}

func (a *armCancelBatch) Poll(cx *Context) (struct{}, bool) {
	for done := 0; done < a.n; {
		k := min(timerBatch, a.n-done)
		if a.byVal {
			vs := a.vals[:k]
			for i := range vs {
				vs[i] = MakeSleep(timerBenchDelay(i))
				if _, ready := vs[i].Poll(cx); ready {
					panic("a one-second sleep was ready at its first poll")
				}
			}
			for i := range vs {
				vs[i].Cancel()
			}
		} else {
			ps := a.ptrs[:k]
			for i := range ps {
				s := SleepAsync(timerBenchDelay(i))
				if _, ready := s.Poll(cx); ready {
					panic("a one-second sleep was ready at its first poll")
				}
				ps[i] = s
			}
			for _, s := range ps {
				s.Cancel()
			}
			clear(ps)
		}
		done += k
	}
	return struct{}{}, true
}

func (a *armCancelBatch) Cancel() {}

func BenchmarkTimersRuntime(b *testing.B) {
	for _, fl := range []struct {
		name string
		new  func() *Runtime
	}{
		{"current", NewCurrentThread},
		{"multi", func() *Runtime { return NewMultiThread(WithWorkers(2)) }},
	} {
		for _, byVal := range []bool{false, true} {
			name := fl.name + "/alloc"
			if byVal {
				name = fl.name + "/value"
			}
			b.Run(name, func(b *testing.B) {
				r := fl.new()
				defer r.Shutdown()
				a := &armCancelBatch{byVal: byVal}
				if byVal {
					a.vals = make([]SleepFuture, timerBatch)
				} else {
					a.ptrs = make([]*SleepFuture, timerBatch)
				}
				b.ReportAllocs()
				b.ResetTimer()
				a.n = b.N
				BlockOn(r, Unconstrained[struct{}](a))
			})
		}
	}
}

// BenchmarkAfterFuncBatch is BenchmarkTimersRuntime's workload on Go's
// timers: timerBatch time.AfterFunc, then Stop them all.
func BenchmarkAfterFuncBatch(b *testing.B) {
	ts := make([]*time.Timer, timerBatch)
	f := func() {}
	b.ReportAllocs()
	for done := 0; done < b.N; {
		k := min(timerBatch, b.N-done)
		for i := range ts[:k] {
			ts[i] = time.AfterFunc(timerBenchDelay(i), f)
		}
		for _, t := range ts[:k] {
			t.Stop()
		}
		done += k
	}
}

// BenchmarkTimersPolls arms and cancels timers in batches of k per task
// poll, on each runtime flavour: "same" arms a batch and cancels it in one
// poll (what the asyncbench timers row does, with k = 1M), "split" arms it
// in one poll and cancels it in the next, so every timer goes through a
// wheel. Each poll ends with a self-wake, so one op (one arm plus one
// cancel) also pays 1/k or 2/k of a main-future poll.
func BenchmarkTimersPolls(b *testing.B) {
	for _, fl := range []struct {
		name string
		new  func() *Runtime
	}{
		{"current", NewCurrentThread},
		{"multi", func() *Runtime { return NewMultiThread(WithWorkers(2)) }},
	} {
		for _, split := range []bool{false, true} {
			for _, k := range []int{1, 1024} {
				mode := "same"
				if split {
					mode = "split"
				}
				b.Run(fl.name+"/"+mode+"/k="+itoa(k), func(b *testing.B) {
					r := fl.new()
					defer r.Shutdown()
					a := &armCancelPolls{k: k, split: split, vals: make([]SleepFuture, k)}
					b.ReportAllocs()
					b.ResetTimer()
					a.n = b.N
					BlockOn(r, Unconstrained[struct{}](a))
				})
			}
		}
	}
}

func itoa(k int) string {
	if k < 10 {
		return string(rune('0' + k))
	}
	return itoa(k/10) + string(rune('0'+k%10))
}

// armCancelPolls is BenchmarkTimersPolls's main future.
type armCancelPolls struct {
	n, k, done int
	split      bool
	armed      bool // the current batch is armed, to be cancelled at this poll
	vals       []SleepFuture
}

func (a *armCancelPolls) Poll(cx *Context) (struct{}, bool) {
	if a.done >= a.n {
		return struct{}{}, true
	}
	vs := a.vals[:min(a.k, a.n-a.done)]
	if !a.armed {
		for i := range vs {
			vs[i] = MakeSleep(timerBenchDelay(a.done + i))
			if _, ready := vs[i].Poll(cx); ready {
				panic("a one-second sleep was ready at its first poll")
			}
		}
		a.armed = true
		if a.split {
			cx.Waker().Wake()
			return struct{}{}, false
		}
	}
	for i := range vs {
		vs[i].Cancel()
	}
	a.armed = false
	a.done += len(vs)
	cx.Waker().Wake()
	return struct{}{}, false
}

func (a *armCancelPolls) Cancel() {}
