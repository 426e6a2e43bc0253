package genbench

import (
	"runtime"
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestRangeModesAgree(t *testing.T) {
	open := true
	for _, c := range []struct {
		name          string
		async, direct int
	}{
		{"RangeYields", rt.Run(RangeYieldsAsync(10)), RangeYields(10)},
		{"RangeLoops", rt.Run(RangeLoopsAsync(10)), RangeLoops(10)},
		{"IdleInRange", rt.Run(IdleInRangeAsync(3, &open)), IdleInRange(3, &open)},
	} {
		if c.async != c.direct {
			t.Errorf("%s: async %d, direct %d", c.name, c.async, c.direct)
		}
	}
}

// BenchmarkRangeFuncYield: one iteration of a range over a function whose
// body suspends once, per op (compare BenchmarkYield, the same suspension
// in a plain loop: the difference is the iteration's two coroutine
// switches).
func BenchmarkRangeFuncYield(b *testing.B) {
	b.ReportAllocs()
	rt.Run(RangeYieldsAsync(b.N))
}

// BenchmarkRangeFuncLoop: one whole loop (start the coroutine, one
// iteration that suspends, the end), per op: allocs/op is the allocations
// per loop.
func BenchmarkRangeFuncLoop(b *testing.B) {
	b.ReportAllocs()
	rt.Run(RangeLoopsAsync(b.N))
}

// BenchmarkIdleInRange reports the heap and stack bytes of one task
// suspended inside a range over a function (B/task) beside the same task
// suspended outside one (Idle): the difference is what a suspended loop
// holds, mostly its coroutine's goroutine stack.
func BenchmarkIdleInRange(b *testing.B) {
	const n = 2000
	for _, c := range []struct {
		name string
		f    func(int, *bool) rt.Future[int]
	}{{"idle", IdleAsync}, {"in-range", IdleInRangeAsync}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				open := false
				r := rt.NewCurrentThread()
				hs := make([]*rt.JoinHandle[int], n)
				before := heapInUse()
				for i := range hs {
					hs[i] = rt.SpawnOn(r, c.f(i, &open))
				}
				for r.Metrics().Polls < n {
					rt.BlockOn(r, rt.YieldNowAsync())
				}
				after := heapInUse()
				b.ReportMetric(float64(after-before)/n, "B/task")
				r.Shutdown() // cancels the tasks, which stops their iterators
				runtime.KeepAlive(hs)
			}
		})
	}
}
