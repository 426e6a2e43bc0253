package rt

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestSeedOptionsRefused(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func()
		want  string
	}{
		{"multi-thread", func() { NewMultiThread(WithSeed(1)).Shutdown() }, "corio/rt: WithSeed needs a current-thread runtime (NewCurrentThreadWith)"},
		{"trace without seed", func() { NewCurrentThreadWith(WithScheduleTrace(func(uint64) {})).Shutdown() }, "corio/rt: WithScheduleTrace needs WithSeed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if p := recover(); p != c.want {
					t.Fatalf("panic %v, want %q", p, c.want)
				}
			}()
			c.build()
		})
	}
}

// seededOrder spawns tasks from plain Go (through the inject queue) and from
// the main future, each yielding twice, and returns the order of polls.
func seededOrder(seed uint64) []uint64 {
	var trace []uint64
	r := NewCurrentThreadWith(WithPausedClock(time.Unix(0, 0)), WithSeed(seed), WithScheduleTrace(func(id uint64) { trace = append(trace, id) }))
	defer r.Shutdown()
	var fs []Future[Tuple2[int, error]]
	var base uint64
	for i := range 3 {
		h := SpawnOn(r, yieldLoop(2, YieldNowAsync))
		if i == 0 {
			base = h.ID() - 1
		}
		fs = append(fs, h.JoinAsync())
	}
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for range 3 {
			fs = append(fs, SpawnOn(r, yieldLoop(2, YieldNowAsync)).JoinAsync())
		}
		return struct{}{}, true
	}))
	BlockOn(r, JoinAllAsync(fs))
	for i, id := range trace {
		if id != 0 {
			trace[i] = id - base // IDs are process-wide: relative to the first task's
		}
	}
	return trace
}

// TestSeededOrder: a seeded runtime polls the tasks that plain Go spawned
// and those the main future spawned in an order fixed by the seed, every
// task three times (two yields), and different seeds give different orders.
func TestSeededOrder(t *testing.T) {
	orders := map[string]bool{}
	for seed := uint64(0); seed < 20; seed++ {
		a, b := seededOrder(seed), seededOrder(seed)
		if !slices.Equal(a, b) {
			t.Fatalf("seed %d: %v, then %v", seed, a, b)
		}
		count := map[uint64]int{}
		for _, id := range a {
			count[id]++
		}
		for id := uint64(1); id <= 6; id++ {
			if count[id] != 3 {
				t.Fatalf("seed %d: task %d polled %d times, want 3: %v", seed, id, count[id], a)
			}
		}
		orders[fmt.Sprint(a)] = true
	}
	if len(orders) < 15 {
		t.Fatalf("20 seeds gave %d orders", len(orders))
	}
}

// BenchmarkSeededYield: 100 tasks yielding, b.N yields in all, on a plain
// and on a seeded current-thread runtime: what a draw per poll costs.
func BenchmarkSeededYield(b *testing.B) {
	for _, c := range []struct {
		name string
		opts []Option
	}{{"plain", nil}, {"seeded", []Option{WithSeed(1)}}} {
		b.Run(c.name, func(b *testing.B) {
			const tasks = 100
			r := NewCurrentThreadWith(c.opts...)
			defer r.Shutdown()
			b.ReportAllocs()
			fs := make([]Future[Tuple2[int, error]], tasks)
			for i := range fs {
				y := &reusableYield{}
				fs[i] = SpawnOn(r, yieldLoop(b.N/tasks, func() Future[struct{}] { return y })).JoinAsync()
			}
			BlockOn(r, JoinAllAsync(fs))
		})
	}
}

// TestSeededBlockingJob: a SpawnBlocking job's result comes from another
// goroutine, which no seed orders, but it arrives: the seeded runtime sleeps
// in its driver and wakes for it as a plain one does.
func TestSeededBlockingJob(t *testing.T) {
	r := NewCurrentThreadWith(WithPausedClock(time.Unix(0, 0)), WithSeed(3))
	defer r.Shutdown()
	var spawn Future[*JoinHandle[int]]
	var join Future[Tuple2[int, error]]
	out := BlockOn(r, PollFunc(func(cx *Context) (Tuple2[int, error], bool) {
		if join == nil {
			if spawn == nil {
				spawn = SpawnBlockingAsync(func() int { return 42 })
			}
			h, ok := spawn.Poll(cx)
			if !ok {
				return Tuple2[int, error]{}, false
			}
			join = h.JoinAsync()
		}
		return join.Poll(cx)
	}))
	if out.V0 != 42 || out.V1 != nil {
		t.Fatalf("blocking job: %v, %v", out.V0, out.V1)
	}
}
