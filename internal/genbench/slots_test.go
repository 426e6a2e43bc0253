package genbench

import (
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestMixedModesAgree(t *testing.T) {
	d := Mixed(&Ticks{s: tickStr{"ab"}}, 10)
	if a := rt.Run(MixedAsync(&Ticks{s: tickStr{"ab"}}, 10)); a != d || d != 75 {
		t.Errorf("Mixed: async %d, direct %d, want 75", a, d)
	}
}

// BenchmarkSharedSlot: two awaits of futures of different types through
// one shared await field, each ready at its first poll, per op.
func BenchmarkSharedSlot(b *testing.B) {
	b.ReportAllocs()
	rt.Run(MixedAsync(&Ticks{s: tickStr{"ab"}}, b.N))
}
