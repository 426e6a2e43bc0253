package rt

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Scheduler benchmarks after Tokio's rt_multi_threaded / rt_current_thread
// benches, on both flavours. One op is one task spawned (spawn_many,
// chained_spawn), one yield (yield_many) or one round trip (ping_pong).
//
//	go test -run - -bench 'Sched' -benchmem -count 5 ./rt

// benchFlavours: the current-thread runtime and a multi-thread runtime with
// two workers (the size the benchmark table uses on a 2-core machine).
var benchFlavours = []struct {
	name string
	new  func() *Runtime
}{
	{"current", NewCurrentThread},
	{"multi2", func() *Runtime { return NewMultiThread(WithWorkers(2)) }},
}

func forBenchFlavours(b *testing.B, f func(b *testing.B, r *Runtime)) {
	for _, fl := range benchFlavours {
		b.Run(fl.name, func(b *testing.B) {
			r := fl.new()
			defer r.Shutdown()
			b.ReportAllocs()
			f(b, r)
		})
	}
}

// doneCounter completes a waiting future when n tasks reported done.
type doneCounter struct {
	left  atomic.Int64
	mu    sync.Mutex
	waker Waker
}

func (d *doneCounter) done() {
	if d.left.Add(-1) == 0 {
		d.mu.Lock()
		w := d.waker
		d.mu.Unlock()
		if w != nil {
			w.Wake()
		}
	}
}

func (d *doneCounter) Poll(cx *Context) (struct{}, bool) {
	if d.left.Load() == 0 {
		return struct{}{}, true
	}
	d.mu.Lock()
	d.waker = cx.Waker()
	d.mu.Unlock()
	return struct{}{}, d.left.Load() == 0
}

// doneTask is a trivial task that reports to a counter: a pointer-shaped
// future, so the spawn allocates only the task.
type doneTask doneCounter

func (t *doneTask) Poll(*Context) (struct{}, bool) {
	(*doneCounter)(t).done()
	return struct{}{}, true
}

// BenchmarkSchedSpawnMany: a task spawns b.N trivial tasks and waits for all.
func BenchmarkSchedSpawnMany(b *testing.B) { forBenchFlavours(b, benchSpawnMany) }

func benchSpawnMany(b *testing.B, r *Runtime) {
	{
		d := &doneCounter{}
		d.left.Store(int64(b.N))
		i := 0
		b.ResetTimer()
		BlockOn(r, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for ; i < b.N; i++ {
				SpawnAsync[struct{}]((*doneTask)(d)).Poll(cx)
			}
			return d.Poll(cx)
		})).JoinAsync())
	}
}

// chainTask spawns the next link until the chain is b.N long.
type chainTask struct {
	left int
	d    *doneCounter
}

func (c *chainTask) Poll(cx *Context) (struct{}, bool) {
	if c.left == 0 {
		c.d.done()
		return struct{}{}, true
	}
	SpawnAsync[struct{}](&chainTask{left: c.left - 1, d: c.d}).Poll(cx)
	return struct{}{}, true
}

// inlineChainTask is chainTask spawned by value (SpawnInlineAsync): one
// allocation per link.
type inlineChainTask chainTask

func (c *inlineChainTask) Poll(cx *Context) (struct{}, bool) {
	if c.left == 0 {
		c.d.done()
		return struct{}{}, true
	}
	SpawnInlineAsync[struct{}](inlineChainTask{left: c.left - 1, d: c.d}).Poll(cx)
	return struct{}{}, true
}

// BenchmarkSchedChainedSpawn: each task spawns the next; b.N tasks in all.
// inline: the next link is spawned by value (one allocation per spawn).
func BenchmarkSchedChainedSpawn(b *testing.B) {
	forBenchFlavours(b, func(b *testing.B, r *Runtime) {
		d := &doneCounter{}
		d.left.Store(1)
		b.ResetTimer()
		SpawnOn[struct{}](r, &chainTask{left: b.N, d: d})
		BlockOn[struct{}](r, d)
	})
	b.Run("inline", func(b *testing.B) {
		forBenchFlavours(b, func(b *testing.B, r *Runtime) {
			d := &doneCounter{}
			d.left.Store(1)
			b.ResetTimer()
			SpawnOn[struct{}](r, &inlineChainTask{left: b.N, d: d})
			BlockOn[struct{}](r, d)
		})
	})
}

// BenchmarkSchedYieldMany: 200 tasks yield (YieldNowAsync) b.N times in all.
func BenchmarkSchedYieldMany(b *testing.B) { forBenchFlavours(b, benchYieldMany) }

func benchYieldMany(b *testing.B, r *Runtime) {
	{
		const tasks = 200
		d := &doneCounter{}
		d.left.Store(tasks)
		per := b.N/tasks + 1
		b.ResetTimer()
		for i := 0; i < tasks; i++ {
			loop := yieldLoop(per, YieldNowAsync)
			SpawnOn(r, seq(
				func(cx *Context) bool {
					_, ok := loop.Poll(cx)
					return ok
				},
				func(*Context) bool { d.done(); return true },
			))
		}
		BlockOn[struct{}](r, d)
	}
}

// pingSlot is a one-value mailbox between two tasks. send wakes the receiver
// either from the sender's poll (Context.Wake: the local path) or with plain
// Wake (the inject path).
type pingSlot struct {
	mu     sync.Mutex
	full   bool
	v      int
	waiter Waker
}

func (s *pingSlot) send(cx *Context, v int, local bool) {
	s.mu.Lock()
	s.full, s.v = true, v
	w := s.waiter
	s.waiter = nil
	s.mu.Unlock()
	if w != nil {
		if local {
			cx.Wake(w)
		} else {
			w.Wake()
		}
	}
}

func (s *pingSlot) recv(cx *Context) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full {
		s.full = false
		return s.v, true
	}
	s.waiter = cx.Waker()
	return 0, false
}

// pingPong runs n round trips between two tasks of r.
func pingPong(r *Runtime, n int, local bool) {
	var a, b pingSlot
	sent := false
	i := 0
	ping := SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for i < n {
			if !sent {
				a.send(cx, i, local)
				sent = true
			}
			if _, ok := b.recv(cx); !ok {
				return struct{}{}, false
			}
			sent = false
			i++
		}
		return struct{}{}, true
	}))
	j := 0
	SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for j < n {
			v, ok := a.recv(cx)
			if !ok {
				return struct{}{}, false
			}
			b.send(cx, v, local)
			j++
		}
		return struct{}{}, true
	}))
	BlockOn(r, ping.JoinAsync())
}

// BenchmarkSchedPingPong: round trips between two tasks; local wakes through
// Context.Wake (LIFO slot / local queue) vs plain Wake (inject queue).
func BenchmarkSchedPingPong(b *testing.B) {
	for _, local := range []bool{true, false} {
		name := "wake=inject"
		if local {
			name = "wake=local"
		}
		b.Run(name, func(b *testing.B) {
			forBenchFlavours(b, func(b *testing.B, r *Runtime) {
				pingPong(r, b.N, local)
			})
		})
	}
}

// BenchmarkGoPingPong is ping_pong's goroutine equivalent: two goroutines and
// two unbuffered channels.
func BenchmarkGoPingPong(b *testing.B) {
	b.ReportAllocs()
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	for i := 0; i < b.N; i++ {
		ping <- i
		<-pong
	}
	close(ping)
}

// BenchmarkSchedScaling runs spawn_many and yield_many on multi-thread
// runtimes of 1, 2, 4, … workers up to the machine's CPU count: the scaling
// run for a many-core machine.
//
//	go test -run - -bench SchedScaling -benchmem ./rt
func BenchmarkSchedScaling(b *testing.B) {
	for w := 1; w <= runtime.NumCPU(); w *= 2 {
		newRT := func() *Runtime { return NewMultiThread(WithWorkers(w)) }
		b.Run(fmt.Sprintf("spawn_many/workers=%d", w), func(b *testing.B) {
			r := newRT()
			defer r.Shutdown()
			b.ReportAllocs()
			benchSpawnMany(b, r)
		})
		b.Run(fmt.Sprintf("yield_many/workers=%d", w), func(b *testing.B) {
			r := newRT()
			defer r.Shutdown()
			b.ReportAllocs()
			benchYieldMany(b, r)
		})
	}
}

// gqiFlavours: the fixed global queue interval (61) against the adaptive one.
var gqiFlavours = []struct {
	name string
	n    int
}{{"gqi=61", 61}, {"gqi=adaptive", 0}}

// spinWork burns about n iterations of CPU (a task's "work").
func spinWork(n int) uint32 {
	x := uint32(n) | 1
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
	}
	return x
}

var spinSink atomic.Uint32

// BenchmarkSchedInjectLatency measures how long a task spawned from outside
// the runtime waits for its first poll while every worker is busy with
// self-waking tasks (64, each doing `work` xorshift rounds per poll, about
// 0, 4 and 40µs): one op is
// one remote spawn and its first poll. This is what the global queue
// interval bounds. One worker, so that the spawning goroutine has a P of its
// own on a 2-core machine (otherwise Go's 10ms time slice dominates). Also
// run: spawn_many and yield_many per interval.
//
//	go test -run - -bench 'SchedInjectLatency|SchedInterval' -benchmem -count 6 ./rt
func BenchmarkSchedInjectLatency(b *testing.B) {
	for _, work := range []int{0, 2000, 20000} {
		for _, g := range gqiFlavours {
			b.Run(fmt.Sprintf("work=%d/%s", work, g.name), func(b *testing.B) {
				const workers, perWorker = 1, 64
				r := NewMultiThread(WithWorkers(workers), WithGlobalQueueInterval(g.n))
				defer r.Shutdown()
				var stop atomic.Bool
				busy := make([]*JoinHandle[struct{}], 0, workers*perWorker)
				for i := 0; i < workers*perWorker; i++ {
					busy = append(busy, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
						if stop.Load() {
							return struct{}{}, true
						}
						spinSink.Add(spinWork(work))
						cx.Waker().Wake() // self-wake: back of the ring
						return struct{}{}, false
					})))
				}
				ran := make(chan struct{}, 1)
				probe := PollFunc(func(*Context) (struct{}, bool) {
					ran <- struct{}{}
					return struct{}{}, true
				})
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					SpawnOn[struct{}](r, probe)
					<-ran
				}
				b.StopTimer()
				stop.Store(true)
				for _, h := range busy {
					BlockOn(r, h.JoinAsync())
				}
			})
		}
	}
}

// BenchmarkSchedInterval: spawn_many and yield_many (two workers) under the
// fixed and the adaptive global queue interval.
func BenchmarkSchedInterval(b *testing.B) {
	for _, g := range gqiFlavours {
		for _, wl := range []struct {
			name string
			f    func(*testing.B, *Runtime)
		}{{"spawn_many", benchSpawnMany}, {"yield_many", benchYieldMany}} {
			b.Run(wl.name+"/"+g.name, func(b *testing.B) {
				r := NewMultiThread(WithWorkers(2), WithGlobalQueueInterval(g.n))
				defer r.Shutdown()
				b.ReportAllocs()
				wl.f(b, r)
			})
		}
	}
}
