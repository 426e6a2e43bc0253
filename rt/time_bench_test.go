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
