package driver

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkTimerArmCancel arms and cancels one timer per iteration on a
// driver nobody parks on: one shard lock for the insert, one for the cancel.
func BenchmarkTimerArmCancel(b *testing.B) {
	d := newReal(b)
	var tm Timer
	var w countWaker
	deadline := d.DeadlineAfter(time.Second)
	b.ReportAllocs()
	for b.Loop() {
		d.Arm(&tm, deadline, &w, -1)
		d.Cancel(&tm)
	}
}

// BenchmarkTimerArmCancelParallel is BenchmarkTimerArmCancel from every P at
// once, each goroutine on its own shard (hint = its index), as a multi-thread
// runtime's workers would; compare with the Contended variant to see what
// sharding buys.
func BenchmarkTimerArmCancelParallel(b *testing.B) {
	benchArmCancelParallel(b, true)
}

// BenchmarkTimerArmCancelContended puts every goroutine's timers on shard 0:
// one shared wheel, one mutex (Tokio's design before its sharding).
func BenchmarkTimerArmCancelContended(b *testing.B) {
	benchArmCancelParallel(b, false)
}

func benchArmCancelParallel(b *testing.B, spread bool) {
	d := newReal(b)
	deadline := d.DeadlineAfter(time.Second)
	var next atomicInt
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		hint := 0
		if spread {
			hint = next.add()
		}
		var tm Timer
		var w countWaker
		for pb.Next() {
			d.Arm(&tm, deadline, &w, hint)
			d.Cancel(&tm)
		}
	})
}

// BenchmarkTimerFire arms 1000 timers due at the same tick and fires them
// with one Park: the per-timer cost of firing (Arm, collect, wake).
func BenchmarkTimerFire(b *testing.B) {
	d, _ := newPaused(b)
	timers := make([]Timer, 1000)
	var w countWaker
	d.TryLock()
	defer d.Unlock()
	b.ReportAllocs()
	for b.Loop() {
		deadline := d.DeadlineAfter(time.Millisecond)
		for i := range timers {
			d.Arm(&timers[i], deadline, &w, -1)
		}
		d.manual.Advance(time.Millisecond)
		d.Park(0, false)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(timers)), "ns/timer")
}

// BenchmarkUnparkCoalesced calls Unpark while one is pending: the cost every
// waker pays after the first (an atomic load).
func BenchmarkUnparkCoalesced(b *testing.B) {
	d := newReal(b)
	d.Unpark()
	b.ReportAllocs()
	for b.Loop() {
		d.Unpark()
	}
}

// BenchmarkUnparkPark is one Unpark consumed by one Park(0): the eventfd
// write and the epoll_wait that drains it.
func BenchmarkUnparkPark(b *testing.B) {
	d := newReal(b)
	d.TryLock()
	defer d.Unlock()
	b.ReportAllocs()
	for b.Loop() {
		d.Unpark()
		d.Park(0, false)
	}
}

// BenchmarkParkNonBlocking is Park(0) with nothing to do — what a busy worker
// pays every so many ticks to keep I/O and timers from starving — on drivers
// with 1 and 16 timer shards: one epoll_wait plus two lock pairs per shard.
func BenchmarkParkNonBlocking(b *testing.B) {
	for _, shards := range []int{1, 16} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			d, err := New(Config{TimerShards: shards})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			d.TryLock()
			defer d.Unlock()
			b.ReportAllocs()
			for b.Loop() {
				d.Park(0, false)
			}
		})
	}
}

// BenchmarkTimerDeferredArmCancel arms a timer deferred and cancels it
// before its batch is flushed, then flushes the empty batch: a timeout whose
// operation completes in the poll that armed it. No lock, no clock reading.
func BenchmarkTimerDeferredArmCancel(b *testing.B) {
	d := newReal(b)
	var bt Batch
	var tm Timer
	var w countWaker
	b.ReportAllocs()
	for b.Loop() {
		d.ArmDeferred(&bt, &tm, time.Second, &w)
		d.Cancel(&tm)
		d.Flush(&bt, 0)
	}
}

// BenchmarkTimerDeferredArmFlushCancel arms a timer deferred, flushes it
// into the wheel (one clock reading, one lock pair) and cancels it there
// (one lock pair): the per-timer cost when the cancel comes in a later poll.
// Compare with BenchmarkTimerArmCancel plus a clock reading.
func BenchmarkTimerDeferredArmFlushCancel(b *testing.B) {
	for _, k := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", k), func(b *testing.B) {
			d := newReal(b)
			var bt Batch
			ts := make([]Timer, k)
			var w countWaker
			b.ReportAllocs()
			for i := 0; i < b.N; i += k {
				for j := range ts {
					d.ArmDeferred(&bt, &ts[j], time.Second, &w)
				}
				d.Flush(&bt, 0)
				for j := range ts {
					d.Cancel(&ts[j])
				}
			}
		})
	}
}

// BenchmarkTimerClockArmCancel is BenchmarkTimerArmCancel with the clock
// read per arming (Deadline), as a leaf that arms at once does.
func BenchmarkTimerClockArmCancel(b *testing.B) {
	d := newReal(b)
	var tm Timer
	var w countWaker
	b.ReportAllocs()
	for b.Loop() {
		deadline, _ := d.Deadline(time.Second)
		d.Arm(&tm, deadline, &w, 0)
		d.Cancel(&tm)
	}
}
