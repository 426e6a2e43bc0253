package rt

import "testing"

// Combinator benchmarks. One op is one select or join built, polled to
// completion and dropped; allocs/op counts what the combinator allocates (the
// branches are reusable futures that allocate nothing).

// never is a zero-size future that is never ready.
type never struct{}

func (never) Poll(*Context) (int, bool) { return 0, false }

// benchReadyAtOnce builds a future with build and polls it once with a plain
// Context (outside a runtime), b.N times; it must be ready at that poll.
func benchReadyAtOnce[T any](b *testing.B, build func() Future[T]) {
	cx := NewContext(nopWaker{})
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := build().Poll(cx); !ok {
			b.Fatal("not ready")
		}
	}
}

// benchInTask builds a future with build and awaits it, b.N times, inside a
// task on r.
func benchInTask[T any](b *testing.B, r *Runtime, build func() Future[T]) {
	i := 0
	var cur Future[T]
	f := PollFunc(func(cx *Context) (struct{}, bool) {
		for i < b.N {
			if cur == nil {
				cur = build()
			}
			if _, ok := cur.Poll(cx); !ok {
				return struct{}{}, false
			}
			cur = nil
			i++
		}
		return struct{}{}, true
	})
	b.ResetTimer()
	BlockOn(r, SpawnOn(r, f).JoinAsync())
}

// BenchmarkSelect2Ready: Select2Async of two ready futures, polled once
// (outside a runtime, so the random start comes from math/rand/v2).
func BenchmarkSelect2Ready(b *testing.B) {
	benchReadyAtOnce(b, func() Future[Selected2[int, int]] { return Select2Async(benchFuture, benchFuture) })
}

// BenchmarkSelect2ReadyByValue: BenchmarkSelect2Ready with the select made
// by MakeSelect2 and held in the caller's state, as a hand-written future or
// generated code holding it inline would: no allocation.
func BenchmarkSelect2ReadyByValue(b *testing.B) {
	cx := NewContext(nopWaker{})
	var state struct{ sel Select2Future[int, int] }
	b.ReportAllocs()
	for b.Loop() {
		state.sel = MakeSelect2(benchFuture, benchFuture)
		if _, ok := state.sel.Poll(cx); !ok {
			b.Fatal("not ready")
		}
		state.sel = Select2Future[int, int]{}
	}
}

// BenchmarkSelect2PollPending: one poll of a pending Select2 (both branches
// pending): the steady-state cost of a wake-up of a waiting select, which
// must allocate nothing.
func BenchmarkSelect2PollPending(b *testing.B) {
	cx := NewContext(nopWaker{})
	var n Future[int] = never{}
	s := Select2Async(n, n)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Poll(cx); ok {
			b.Fatal("ready")
		}
	}
}

// BenchmarkGoSelectReady is the reference for BenchmarkSelect2Ready: Go's
// select over two buffered channels that both hold a value.
func BenchmarkGoSelectReady(b *testing.B) {
	c0, c1 := make(chan int, 1), make(chan int, 1)
	c0 <- 1
	c1 <- 1
	b.ReportAllocs()
	for b.Loop() {
		select {
		case v := <-c0:
			c0 <- v
		case v := <-c1:
			c1 <- v
		}
	}
}

// BenchmarkSelect2Wake: inside a task, Select2 of a branch that is never
// ready and a branch that pends once (waking the task) and is ready at the
// next poll: build, poll, reschedule, poll, win, cancel the loser.
func BenchmarkSelect2Wake(b *testing.B) {
	forBenchFlavours(b, func(b *testing.B, r *Runtime) {
		y := &reusableYield{}
		var n Future[int] = never{}
		benchInTask(b, r, func() Future[Selected2[int, struct{}]] { return Select2Async[int, struct{}](n, y) })
	})
}

// BenchmarkJoin2Ready: Join2Async of two ready futures, polled once.
func BenchmarkJoin2Ready(b *testing.B) {
	benchReadyAtOnce(b, func() Future[Tuple2[int, int]] { return Join2Async(benchFuture, benchFuture) })
}

// BenchmarkJoin2Wake: inside a task, Join2 of two futures that each pend
// once: build, poll both, reschedule, poll both, done.
func BenchmarkJoin2Wake(b *testing.B) {
	forBenchFlavours(b, func(b *testing.B, r *Runtime) {
		y0, y1 := &reusableYield{}, &reusableYield{}
		benchInTask(b, r, func() Future[Tuple2[struct{}, struct{}]] { return Join2Async[struct{}, struct{}](y0, y1) })
	})
}

// BenchmarkJoinAll16: JoinAllAsync of 16 ready futures, polled once.
func BenchmarkJoinAll16(b *testing.B) {
	fs := make([]Future[int], 16)
	for i := range fs {
		fs[i] = benchFuture
	}
	benchReadyAtOnce(b, func() Future[[]int] { return JoinAllAsync(fs) })
}

// BenchmarkJoinAll16PollPending: one poll of a JoinAll of 16 children of
// which one is still pending: a wake-up re-polls only that child, but scans
// the other 15 slots. Must allocate nothing.
func BenchmarkJoinAll16PollPending(b *testing.B) {
	cx := NewContext(nopWaker{})
	fs := make([]Future[int], 16)
	for i := range fs {
		fs[i] = benchFuture
	}
	fs[7] = never{}
	j := JoinAllAsync(fs)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := j.Poll(cx); ok {
			b.Fatal("ready")
		}
	}
}

// benchSpawnJoin100 runs, inside a task, b.N rounds of: spawn 100 trivial
// tasks, then take all 100 results — through a JoinSet (set true) or through
// SpawnAsync and each handle's JoinAsync in spawn order.
func benchSpawnJoin100(b *testing.B, r *Runtime, set bool) {
	const n = 100
	var js JoinSet[int]
	hs := make([]*JoinHandle[int], 0, n)
	i, k := 0, 0 // round, next handle to join
	f := PollFunc(func(cx *Context) (struct{}, bool) {
		for i < b.N {
			if set && js.Len() == 0 {
				for range n {
					js.SpawnAsync(trivial{}).Poll(cx)
				}
			}
			if !set && len(hs) == 0 {
				for range n {
					h, _ := SpawnAsync[int](trivial{}).Poll(cx)
					hs = append(hs, h)
				}
			}
			for set && js.Len() > 0 {
				if _, ok := js.JoinNextAsync().Poll(cx); !ok {
					return struct{}{}, false
				}
			}
			for ; k < len(hs); k++ {
				if _, ok := hs[k].JoinAsync().Poll(cx); !ok {
					return struct{}{}, false
				}
			}
			hs, k = hs[:0], 0
			i++
		}
		return struct{}{}, true
	})
	b.ResetTimer()
	BlockOn(r, SpawnOn(r, f).JoinAsync())
}

// BenchmarkJoinSet100: one op is 100 tasks spawned into a JoinSet and joined
// with JoinNext as they finish.
func BenchmarkJoinSet100(b *testing.B) {
	forBenchFlavours(b, func(b *testing.B, r *Runtime) { benchSpawnJoin100(b, r, true) })
}

// BenchmarkSpawnJoin100 is the reference for BenchmarkJoinSet100: the same
// 100 tasks spawned with SpawnAsync and joined handle by handle.
func BenchmarkSpawnJoin100(b *testing.B) {
	forBenchFlavours(b, func(b *testing.B, r *Runtime) { benchSpawnJoin100(b, r, false) })
}

// wakerKeeper is a never-ready future that keeps the waker of its last
// poll.
type wakerKeeper struct{ w Waker }

func (k *wakerKeeper) Poll(cx *Context) (int, bool) {
	k.w = cx.Waker()
	return 0, false
}

// BenchmarkJoinAll64WakeOne: a JoinAll of 64 pending children (per-child
// wakers) of which one is woken, then the join polled: the cost of one
// wake-up of a large join, which polls only the woken child. Must allocate
// nothing.
func BenchmarkJoinAll64WakeOne(b *testing.B) {
	cx := NewContext(nopWaker{})
	k := &wakerKeeper{}
	fs := make([]Future[int], 64)
	for i := range fs {
		fs[i] = never{}
	}
	fs[33] = k
	j := JoinAllAsync(fs)
	j.Poll(cx)
	b.ReportAllocs()
	for b.Loop() {
		k.w.Wake()
		if _, ok := j.Poll(cx); ok {
			b.Fatal("ready")
		}
	}
}
