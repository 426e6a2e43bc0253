package genbench

import (
	"slices"
	"sync/atomic"
	"testing"

	"github.com/corio-go/corio/rt"
)

func TestDefersAgree(t *testing.T) {
	var a, d Guarded
	if x, y := rt.Run(Defer3Async(&a, 5)), Defer3(&d, 5); x != y || a.total != d.total {
		t.Errorf("Defer3: async %d %d, direct %d %d", x, a.total, y, d.total)
	}
	if x, y := rt.Run(Defer3RecoverAsync(&a, 5)), Defer3Recover(&d, 5); x != y || a.total != d.total {
		t.Errorf("Defer3Recover: async %d %d, direct %d %d", x, a.total, y, d.total)
	}
	if x, y := rt.Run(Defer3ClosuresAsync(&a, 5)), Defer3Closures(&d, 5); x != y || a.total != d.total {
		t.Errorf("Defer3Closures: async %d %d, direct %d %d", x, a.total, y, d.total)
	}
	rt.Run(DeferLoopClosureAsync(&a, 10))
	DeferLoopClosure(&d, 10)
	if a.total != d.total {
		t.Errorf("DeferLoopClosure: async %d, direct %d", a.total, d.total)
	}
	rt.Run(DeferLoopAsync(&a, 10))
	DeferLoop(&d, 10)
	if a.total != d.total {
		t.Errorf("DeferLoop: async %d, direct %d", a.total, d.total)
	}
}

// BenchmarkDefer3 runs a function with three defers that suspends once,
// per op; baseline: the same cleanup written out. Deferred calls live in
// inline fields of the future and cost no allocation ("calls": an unlock
// and two method calls), and so do deferred closures that capture
// variables ("closure": one, "closures": three), whose bodies are methods
// of the future reading its fields: no closure, no cell, as Go's
// open-coded defers. "closures-direct" is Defer3Closures called directly.
func BenchmarkDefer3(b *testing.B) {
	var g Guarded
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for _, c := range []struct {
		name string
		f    func(*Guarded, int) rt.Future[int]
	}{{"calls", Defer3CallsAsync}, {"closure", Defer3Async}, {"closures", Defer3ClosuresAsync}, {"written-out", NoDeferAsync}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rt.BlockOn(r, c.f(&g, 1))
			}
		})
	}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Defer3(&g, 1)
		}
	})
	b.Run("closures-direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Defer3Closures(&g, 1)
		}
	})
}

// BenchmarkDeferSuspend: one suspension of a function with three pending
// defers, per op (Poll's deferred unwind on every poll): allocation-free.
// "recover": the innermost defer is a closure that calls recover, which
// Poll defers itself (two more deferred calls per poll).
func BenchmarkDeferSuspend(b *testing.B) {
	var g Guarded
	b.Run("calls", func(b *testing.B) {
		b.ReportAllocs()
		rt.Run(Defer3Async(&g, b.N))
	})
	b.Run("recover", func(b *testing.B) {
		b.ReportAllocs()
		rt.Run(Defer3RecoverAsync(&g, b.N))
	})
}

// BenchmarkDeferLoop: one iteration of a loop that defers a call and
// suspends, per op, and the deferred call run at the end (the slices of
// pending defers grow by appending: amortized). "closure": the deferred
// call is a func literal that captures the iteration's variable, which
// costs that variable's cell per iteration (the literal is a method of the
// future, the cell stored with the pending defer), as Go's own closure
// costs one.
func BenchmarkDeferLoop(b *testing.B) {
	var g Guarded
	for _, c := range []struct {
		name string
		f    func(*Guarded, int)
	}{
		{"async", func(g *Guarded, n int) { rt.Run(DeferLoopAsync(g, n)) }},
		{"direct", DeferLoop},
		{"closure-async", func(g *Guarded, n int) { rt.Run(DeferLoopClosureAsync(g, n)) }},
		{"closure-direct", DeferLoopClosure},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			c.f(&g, b.N)
		})
	}
}

// TestAbortRunsDefers aborts a task suspended 10 levels deep (the levels
// above the outermost pending defer on the driver's frame stack): each
// pending defer runs once, innermost first.
func TestAbortRunsDefers(t *testing.T) {
	for _, r := range []*rt.Runtime{rt.NewCurrentThread(), rt.NewMultiThread(rt.WithWorkers(2))} {
		var log []int
		var bottom atomic.Int32
		h := rt.SpawnOn(r, DeferChainAsync(&log, &bottom, 10))
		for bottom.Load() < 3 { // deep, and suspended there a few times
			rt.BlockOn(r, YieldsAsync(1))
		}
		h.Abort()
		if res := rt.BlockOn(r, h.JoinAsync()); res.V1 == nil {
			t.Fatal("aborted task joined without error")
		}
		r.Shutdown()
		if want := []int{0, 3}; !slices.Equal(log, want) {
			t.Errorf("defers ran %v, want %v", log, want)
		}
	}
}
