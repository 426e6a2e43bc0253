package rt

import (
	"runtime"
	"sync"
	"testing"
)

// trivial is a ready future with no state: a zero-size value, so converting
// it to Future allocates nothing and the benchmarks measure the runtime.
type trivial struct{}

func (trivial) Poll(*Context) (int, bool) { return 1, true }

// benchFuture is a variable so the compiler cannot devirtualize its Poll.
var benchFuture Future[int] = trivial{}

// BenchmarkSpawn: spawn and complete one trivial task on a current-thread
// runtime, from its main future (SpawnAsync), per op.
func BenchmarkSpawn(b *testing.B) {
	benchSpawnCall(b, func(cx *Context) *JoinHandle[int] {
		h, _ := SpawnAsync[int](trivial{}).Poll(cx)
		return h
	})
}

// benchSpawnCall spawns b.N tasks with spawn from a current-thread
// runtime's main future, letting them run every 32 spawns.
func benchSpawnCall(b *testing.B, spawn func(cx *Context) *JoinHandle[int]) {
	r := NewCurrentThread()
	defer r.Shutdown()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	var last *JoinHandle[int]
	BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for i < b.N {
			last = spawn(cx)
			i++
			if i%32 == 0 { // let them run: the main future is polled every 61 task polls
				cx.Waker().Wake()
				return struct{}{}, false
			}
		}
		if last != nil {
			_, ok := last.JoinAsync().Poll(cx)
			return struct{}{}, ok
		}
		return struct{}{}, true
	}))
}

// BenchmarkGoSpawn is BenchmarkSpawn's goroutine equivalent: go + WaitGroup.
func BenchmarkGoSpawn(b *testing.B) {
	b.ReportAllocs()
	var wg sync.WaitGroup
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go wg.Done()
		if i%256 == 255 { // bound the number of live goroutines, as BenchmarkSpawn bounds its queue
			wg.Wait()
		}
	}
	wg.Wait()
}

// BenchmarkPoll: the cost of one poll.
//
//	direct: a ready future polled through the Future interface.
//	task:   one task polled by the runtime: self-wake, requeue, pop, poll.
func BenchmarkPoll(b *testing.B) {
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		cx := NewContext(nil)
		for i := 0; i < b.N; i++ {
			benchFuture.Poll(cx)
		}
	})
	b.Run("task", func(b *testing.B) {
		n := 0
		f := PollFunc(func(cx *Context) (int, bool) {
			n++
			if n >= b.N {
				return n, true
			}
			cx.Waker().Wake()
			return 0, false
		})
		b.ReportAllocs()
		runTask(f)
	})
}

// benchRemoteWake: a goroutine wakes a task of r that waits on it and waits
// for the task's answer, b.N times.
func benchRemoteWake(b *testing.B, r *Runtime) {
	b.ReportAllocs()
	defer r.Shutdown()
	ping := newChanSlot[int](1)
	pong := make(chan int, 1)
	go func() {
		for i := 0; i < b.N; i++ {
			ping.send(i)
			<-pong
		}
	}()
	n := 0
	recv := ping.recv() // stateless: one future, polled again and again
	BlockOn(r, SpawnOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
		for n < b.N {
			v, ok := recv.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			pong <- v
			n++
		}
		return struct{}{}, true
	})).JoinAsync())
}

// runTask runs f as a task (not as BlockOn's main future, whose wake-ups
// take a different path) on a fresh runtime.
func runTask[T any](f Future[T]) T {
	r := NewCurrentThread()
	defer r.Shutdown()
	res := BlockOn(r, SpawnOn(r, f).JoinAsync())
	return res.V0
}

// reusableYield is a hand-written yield: state kept by the caller, so it
// allocates nothing. It isolates the scheduler's cost of one suspension.
type reusableYield struct{ yielded bool }

func (y *reusableYield) Poll(cx *Context) (struct{}, bool) {
	if y.yielded {
		y.yielded = false
		return struct{}{}, true
	}
	y.yielded = true
	cx.ConsumeBudget()
	cx.Waker().Wake()
	return struct{}{}, false
}

func yieldLoop(n int, newYield func() Future[struct{}]) Future[int] {
	i := 0
	var y Future[struct{}]
	return PollFunc(func(cx *Context) (int, bool) {
		for {
			if y != nil {
				if _, ok := y.Poll(cx); !ok {
					return 0, false
				}
				y = nil
			}
			if i == n {
				return i, true
			}
			i++
			y = newYield()
		}
	})
}

// BenchmarkYield: one task yielding b.N times; ns and allocs per yield.
//
//	YieldNowAsync: the public leaf (one tiny allocation per call).
//	reused:        a reused hand-written yield future (the suspension alone).
//	tasks=100:     100 tasks yielding round-robin, b.N yields in all.
func BenchmarkYield(b *testing.B) {
	b.Run("YieldNowAsync", func(b *testing.B) {
		b.ReportAllocs()
		runTask(yieldLoop(b.N, YieldNowAsync))
	})
	b.Run("reused", func(b *testing.B) {
		b.ReportAllocs()
		y := &reusableYield{}
		runTask(yieldLoop(b.N, func() Future[struct{}] { return y }))
	})
	b.Run("tasks=100", func(b *testing.B) {
		const tasks = 100
		b.ReportAllocs()
		r := NewCurrentThread()
		defer r.Shutdown()
		hs := make([]*JoinHandle[int], tasks)
		for i := range hs {
			y := &reusableYield{}
			hs[i] = SpawnOn(r, yieldLoop(b.N/tasks, func() Future[struct{}] { return y }))
		}
		BlockOn(r, PollFunc(func(cx *Context) (struct{}, bool) {
			for len(hs) > 0 {
				if _, ok := hs[0].JoinAsync().Poll(cx); !ok {
					return struct{}{}, false
				}
				hs = hs[1:]
			}
			return struct{}{}, true
		}))
	})
}

// BenchmarkGosched is BenchmarkYield's goroutine equivalent.
func BenchmarkGosched(b *testing.B) {
	b.Run("goroutines=1", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			runtime.Gosched()
		}
	})
	b.Run("goroutines=100", func(b *testing.B) {
		const gs = 100
		b.ReportAllocs()
		var wg sync.WaitGroup
		for g := 0; g < gs; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < b.N/gs; i++ {
					runtime.Gosched()
				}
			}()
		}
		wg.Wait()
	})
}

// BenchmarkAwait: direct-mode Await of a ready future (pooled parker).
func BenchmarkAwait(b *testing.B) {
	b.ReportAllocs()
	var f Future[int] = trivial{}
	for i := 0; i < b.N; i++ {
		Await(f)
	}
}

// BenchmarkRemoteWake: a goroutine wakes a task that waits on it, and waits
// for the task's answer: one cross-goroutine round trip per op (inject queue,
// unpark), beside the same round trip between two goroutines over channels.
func BenchmarkRemoteWake(b *testing.B) {
	b.Run("task", func(b *testing.B) { benchRemoteWake(b, NewCurrentThread()) })
	b.Run("task-multi2", func(b *testing.B) { benchRemoteWake(b, NewMultiThread(WithWorkers(2))) })
	b.Run("goroutine", func(b *testing.B) {
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
	})
}
