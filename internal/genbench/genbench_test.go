package genbench

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// TestModesAgree checks the generated futures against direct mode.
func TestModesAgree(t *testing.T) {
	if a, d := rt.Run(YieldsAsync(10)), Yields(10); a != d {
		t.Errorf("Yields: async %d, direct %d", a, d)
	}
	if a, d := rt.Run(ChainAsync(5, 1)), Chain(5, 1); a != d {
		t.Errorf("Chain: async %d, direct %d", a, d)
	}
	if a, d := rt.Run(FanOutAsync(20)), FanOut(20); a != d {
		t.Errorf("FanOut: async %d, direct %d", a, d)
	}
}

// BenchmarkYield: one suspension of a generated future (its loop, the await
// of YieldNowAsync, the task's re-poll), per op.
func BenchmarkYield(b *testing.B) {
	b.ReportAllocs()
	rt.Run(YieldsAsync(b.N))
}

// BenchmarkGosched is the goroutine equivalent of BenchmarkYield.
func BenchmarkGosched(b *testing.B) {
	b.ReportAllocs()
	Yields(b.N) // direct mode: rt.YieldNow is runtime.Gosched
}

// BenchmarkChain10: a call chain ten async functions deep that suspends at
// the bottom, per op (eleven futures created and completed).
func BenchmarkChain10(b *testing.B) {
	b.ReportAllocs()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for b.Loop() {
		rt.BlockOn(r, ChainAsync(10, 0))
	}
}

// BenchmarkLinear10: a chain of ten distinct async functions (L10 … L1, then
// Leaf) that suspends at the bottom: the callees' futures are held by value
// in their callers' futures, so one op allocates the outermost future only.
func BenchmarkLinear10(b *testing.B) {
	b.ReportAllocs()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for b.Loop() {
		if got := rt.BlockOn(r, L10Async(0)); got != 11 {
			b.Fatal(got)
		}
	}
}

// BenchmarkFanOut100: spawn 100 tasks that each suspend once, join them all;
// reported per task.
func BenchmarkFanOut100(b *testing.B) {
	b.ReportAllocs()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	for b.Loop() {
		rt.BlockOn(r, FanOutAsync(100))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/task")
}

// BenchmarkGoFanOut100 is the goroutine equivalent of BenchmarkFanOut100.
func BenchmarkGoFanOut100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		res := make([]int, 100)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.Gosched()
				res[i] = i + 1
			}()
		}
		wg.Wait()
		sum := 0
		for _, v := range res {
			sum += v
		}
		_ = sum
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/task")
}

// BenchmarkIdleTasks reports the heap bytes one suspended task costs (the
// project's idle-task target: ≤ 256 B, ≤ 0.1× a parked goroutine) beside a
// goroutine parked on a channel, measured the same way.
func BenchmarkIdleTasks(b *testing.B) {
	const n = 10000
	b.Run("corio", func(b *testing.B) {
		for b.Loop() {
			open := false
			r := rt.NewCurrentThread()
			hs := make([]*rt.JoinHandle[int], n)
			before := heapInUse()
			for i := range hs {
				hs[i] = rt.SpawnOn(r, IdleAsync(i, &open))
			}
			for r.Metrics().Polls < n { // until every task has polled once and suspended
				rt.BlockOn(r, rt.YieldNowAsync())
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/n, "B/task")
			open = true
			r.Shutdown()
			runtime.KeepAlive(hs)
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		for b.Loop() {
			ch := make(chan struct{})
			var wg sync.WaitGroup
			before := heapInUse()
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					count := i
					<-ch
					_ = count
				}()
			}
			for runtime.NumGoroutine() < n {
				runtime.Gosched()
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/n, "B/task")
			close(ch)
			wg.Wait()
		}
	})
}

// heapInUse counts heap and goroutine-stack bytes in use after a GC.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}

// BenchmarkResumeDepth: one suspension of a task suspended depth awaits
// deep (Deep: a recursion, then a loop of yields at the bottom), per op. The
// chain is built once per run and amortized over b.N suspensions.
func BenchmarkResumeDepth(b *testing.B) {
	for _, d := range []int{1, 10, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("depth=%d", d), func(b *testing.B) {
			b.ReportAllocs()
			if got := rt.Run(DeepAsync(d, b.N)); got != b.N+d {
				b.Fatalf("Deep = %d, want %d", got, b.N+d)
			}
		})
	}
}

// BenchmarkDeepFrameBytes reports the heap bytes per await level of a task
// suspended 10,000 awaits deep (DeepIdle), frame stack included.
func BenchmarkDeepFrameBytes(b *testing.B) {
	const depth = 10000
	b.ReportAllocs()
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	var per float64
	for b.Loop() {
		open := false
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := rt.SpawnOn(r, DeepIdleAsync(depth, &open))
		rt.BlockOn(r, rt.YieldNowAsync()) // the task runs down to the gate
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapAlloc-before.HeapAlloc) / depth
		open = true
		h.Abort()
		rt.BlockOn(r, h.JoinAsync())
	}
	b.ReportMetric(per, "B/frame")
}

// TestDeep checks Deep and DeepIdle against direct mode, and that a task
// suspended deep is cancelled cleanly.
func TestDeep(t *testing.T) {
	if a, d := rt.Run(DeepAsync(3000, 5)), Deep(3000, 5); a != d {
		t.Errorf("Deep: async %d, direct %d", a, d)
	}
	open := false
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	h := rt.SpawnOn(r, DeepIdleAsync(3000, &open))
	rt.BlockOn(r, rt.YieldNowAsync())
	if h.IsFinished() {
		t.Fatal("DeepIdle finished before its gate opened")
	}
	h.Abort()
	if res := rt.BlockOn(r, h.JoinAsync()); res.V1 == nil {
		t.Fatalf("aborted DeepIdle: %v", res)
	}
}

// TestRecursionPooledAcrossWorkers runs recursive generated functions, whose
// futures come from and go back to the polling worker's pools, in many tasks
// on a multi-thread runtime (tasks move between workers, so a future taken
// from one worker's pool goes back to another's), checking every result
// against direct mode.
func TestRecursionPooledAcrossWorkers(t *testing.T) {
	r := rt.NewMultiThread(rt.WithWorkers(4))
	defer r.Shutdown()
	const tasks = 64
	hs := make([]*rt.JoinHandle[int], tasks)
	for i := range hs {
		hs[i] = rt.SpawnOn(r, rt.PollFunc(func() func(cx *rt.Context) (int, bool) {
			// Deep(d, 3) then Chain(d, i), awaited in turn from one task.
			d := 50 + i%7*40
			deep, chain := DeepAsync(d, 3), rt.Future[int](nil)
			sum := 0
			return func(cx *rt.Context) (int, bool) {
				if deep != nil {
					v, ok := deep.Poll(cx)
					if !ok {
						return 0, false
					}
					sum, deep, chain = v, nil, ChainAsync(d, i)
				}
				v, ok := chain.Poll(cx)
				if !ok {
					return 0, false
				}
				return sum + v, true
			}
		}()))
	}
	for i, h := range hs {
		d := 50 + i%7*40
		want := Deep(d, 3) + Chain(d, i)
		if got := rt.BlockOn(r, h.JoinAsync()); got.V1 != nil || got.V0 != want {
			t.Fatalf("task %d: %v, want %d", i, got, want)
		}
	}
}

// TestLeavesByValue checks the by-value futures against direct mode and the
// twin baselines.
func TestLeavesByValue(t *testing.T) {
	var mu syncx.Mutex
	if a, d, tw := rt.Run(LockLoopAsync(&mu, 100)), LockLoop(&mu, 100), rt.Run(LockLoopTwinAsync(&mu, 100)); a != 100 || d != 100 || tw != 100 {
		t.Errorf("LockLoop: async %d, direct %d, twin %d", a, d, tw)
	}
	if !mu.TryLock() {
		t.Error("the mutex stayed locked")
	}
	if a, tw := rt.Run(PingPongAsync(50)), rt.Run(PingPongTwinAsync(50)); a != 50 || tw != 50 {
		t.Errorf("PingPong: by value %d, twin %d", a, tw)
	}
	if a, tw := rt.Run(SelectLoopAsync(11)), rt.Run(SelectLoopTwinAsync(11)); a != 5 || tw != 5 {
		t.Errorf("SelectLoop: by value %d, twin %d, want 5", a, tw)
	}
}

// BenchmarkLeafByValue: a generated loop over mu.Lock(); mu.Unlock(), and
// ping-pong between two generated tasks, with the leaves' futures held by
// value (MakeLock, MakeSend, MakeRecv) and, as the baseline, awaited through
// their twins' futures in the interface await field.
func BenchmarkLeafByValue(b *testing.B) {
	b.Run("lock/by-value", func(b *testing.B) {
		var mu syncx.Mutex
		b.ReportAllocs()
		rt.Run(LockLoopAsync(&mu, b.N))
	})
	b.Run("lock/twin", func(b *testing.B) {
		var mu syncx.Mutex
		b.ReportAllocs()
		rt.Run(LockLoopTwinAsync(&mu, b.N))
	})
	b.Run("pingpong/by-value", func(b *testing.B) {
		b.ReportAllocs()
		rt.Run(PingPongAsync(b.N))
	})
	b.Run("pingpong/twin", func(b *testing.B) {
		b.ReportAllocs()
		rt.Run(PingPongTwinAsync(b.N))
	})
	b.Run("select2/by-value", func(b *testing.B) {
		b.ReportAllocs()
		rt.Run(SelectLoopAsync(b.N))
	})
	b.Run("select2/twin", func(b *testing.B) {
		b.ReportAllocs()
		rt.Run(SelectLoopTwinAsync(b.N))
	})
}
