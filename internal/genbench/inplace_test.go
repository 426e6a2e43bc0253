package genbench

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestInPlace(t *testing.T) {
	if a, d := rt.Run(SpawnSeqAsync(20)), SpawnSeq(20); a != d || a != 20*21/2 {
		t.Fatalf("SpawnSeq: async %d, direct %d, want %d", a, d, 20*21/2)
	}
	if s := rt.Run(StampsAsync(10)); s < 0 {
		t.Fatalf("Stamps: span %d", s)
	}
}

// BenchmarkSpawnSeq100: spawn 100 tasks from a range over an iterator,
// join them; reported per task.
func BenchmarkSpawnSeq100(b *testing.B) {
	b.ReportAllocs()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for b.Loop() {
		rt.BlockOn(r, SpawnSeqAsync(100))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/task")
}

// BenchmarkStamps100: 100 clock readings in a loop; reported per reading.
func BenchmarkStamps100(b *testing.B) {
	b.ReportAllocs()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for b.Loop() {
		rt.BlockOn(r, StampsAsync(100))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/read")
}
