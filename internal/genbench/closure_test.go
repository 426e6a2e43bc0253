package genbench

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestFanOutClosureMatchesFanOut(t *testing.T) {
	if a, b, d := rt.Run(FanOutClosureAsync(20)), rt.Run(FanOutAsync(20)), FanOutClosure(20); a != b || a != d {
		t.Fatalf("closure %d, named %d, direct %d", a, b, d)
	}
}

// BenchmarkSpawnClosure compares spawning 100 async closures with spawning
// 100 named async functions of the same body (FanOut100's Leaf), each task
// suspending once; reported per task.
func BenchmarkSpawnClosure(b *testing.B) {
	for _, c := range []struct {
		name string
		f    func() rt.Future[int]
	}{
		{"named", func() rt.Future[int] { return FanOutAsync(100) }},
		{"closure", func() rt.Future[int] { return FanOutClosureAsync(100) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			r := rt.NewCurrentThread()
			defer r.Shutdown()
			for b.Loop() {
				if got := rt.BlockOn(r, c.f()); got != 5050 {
					b.Fatalf("sum %d, want 5050", got)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/task")
		})
	}
}
