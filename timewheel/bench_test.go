package timewheel

import (
	"testing"
	"time"
)

// The benchmarks keep benchTimers timers in flight, as a runtime with many
// sleeping tasks would, and compare with the Go runtime's timers in the same
// run: go test -bench . -benchmem ./timewheel
//
// benchTimers = 1024 pending timers: more than fit one slot list, few enough
// (1024 × 56-byte entries = 56 KiB) to stay in L2 like a busy runtime's hot
// timers.
const benchTimers = 1024

// benchDelay spreads deadlines over 1..10000 ms (levels 0, 1 and 2) with a
// stride prime to the wheel's 64, so consecutive timers land in different
// slots.
func benchDelay(i int) Tick { return Tick(1 + (i*7919)%10000) }

func benchEntries() []Entry {
	var cw countWaker
	es := make([]Entry, benchTimers)
	for i := range es {
		es[i].Init(&cw)
	}
	return es
}

// BenchmarkWheelArmCancel: one op is one Insert plus one Cancel, with up to
// benchTimers timers pending (arm them all, then cancel them all).
func BenchmarkWheelArmCancel(b *testing.B) {
	var w Wheel
	es := benchEntries()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.Insert(&es[i%benchTimers], benchDelay(i))
		i++
		if i%benchTimers == 0 {
			for j := range es {
				w.Cancel(&es[j])
			}
		}
	}
}

// BenchmarkSharedArmCancel is BenchmarkWheelArmCancel through Shared's
// mutex (uncontended), as the multi-thread runtime will use it.
func BenchmarkSharedArmCancel(b *testing.B) {
	var s Shared
	es := benchEntries()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Insert(&es[i%benchTimers], benchDelay(i))
		i++
		if i%benchTimers == 0 {
			for j := range es {
				s.Cancel(&es[j])
			}
		}
	}
}

// BenchmarkGoAfterFuncStop is the same workload with time.AfterFunc + Stop.
func BenchmarkGoAfterFuncStop(b *testing.B) {
	ts := make([]*time.Timer, benchTimers)
	f := func() {}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ts[i%benchTimers] = time.AfterFunc(time.Duration(benchDelay(i))*time.Millisecond, f)
		i++
		if i%benchTimers == 0 {
			for _, t := range ts {
				t.Stop()
			}
		}
	}
	for _, t := range ts {
		if t != nil {
			t.Stop()
		}
	}
}

// BenchmarkWheelArmFire: one op is one Insert and its share of AdvanceTo:
// benchTimers timers armed over the next 4096 ms (levels 0 and 1, so about
// one cascade each), then the wheel advanced 4096 ms, firing them all.
func BenchmarkWheelArmFire(b *testing.B) {
	var w Wheel
	es := benchEntries()
	b.ReportAllocs()
	now, i := Tick(0), 0
	for b.Loop() {
		w.Insert(&es[i%benchTimers], now+1+Tick(i*7919)%4096)
		i++
		if i%benchTimers == 0 {
			now += 4096
			w.AdvanceTo(now)
		}
	}
}

// BenchmarkWheelReset: one op moves one of benchTimers pending timers to a
// new deadline.
func BenchmarkWheelReset(b *testing.B) {
	var w Wheel
	es := benchEntries()
	for i := range es {
		w.Insert(&es[i], benchDelay(i))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		w.Reset(&es[i%benchTimers], benchDelay(i+12345))
		i++
	}
}

// BenchmarkGoTimerReset is the same workload with time.Timer.Reset.
func BenchmarkGoTimerReset(b *testing.B) {
	ts := make([]*time.Timer, benchTimers)
	for i := range ts {
		ts[i] = time.NewTimer(time.Duration(benchDelay(i)) * time.Millisecond)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ts[i%benchTimers].Reset(time.Duration(benchDelay(i+12345)) * time.Millisecond)
		i++
	}
	for _, t := range ts {
		t.Stop()
	}
}
