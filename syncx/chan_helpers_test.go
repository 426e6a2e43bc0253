package syncx

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// Test helpers of the channel tests; names start with ch so that they do not
// collide with the lock tests' helpers in the same package.

// chWaker counts wake-ups; a hand-polling test polls a future again only
// after its waker was woken, so a lost wake-up shows as a stuck future.
type chWaker struct{ n atomic.Int32 }

func (w *chWaker) Wake() { w.n.Add(1) }

// woken reports and clears a pending wake-up.
func (w *chWaker) woken() bool { return w.n.Swap(0) > 0 }

func chPoll[T any](f rt.Future[T], w *chWaker) (T, bool) { return f.Poll(rt.NewContext(w)) }

// chRuntime returns a current-thread or a two-worker multi-thread runtime.
func chRuntime(multi bool) *rt.Runtime {
	if multi {
		return rt.NewMultiThread(rt.WithWorkers(2))
	}
	return rt.NewCurrentThread()
}

// chRunTasks spawns every future as a task of a fresh runtime, waits for all
// of them and shuts the runtime down.
func chRunTasks(t testing.TB, multi bool, fs ...rt.Future[struct{}]) {
	t.Helper()
	r := chRuntime(multi)
	defer r.Shutdown()
	joins := make([]rt.Future[rt.Tuple2[struct{}, error]], len(fs))
	for i, f := range fs {
		joins[i] = rt.SpawnOn(r, f).JoinAsync()
	}
	next := 0
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for next < len(joins) {
			out, ok := joins[next].Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			if out.V1 != nil {
				t.Errorf("task %d: %v", next, out.V1)
			}
			next++
		}
		return struct{}{}, true
	}))
}

// chModes runs f for the current-thread and the multi-thread runtime, and
// checks that each leaves no goroutine behind.
func chModes(t *testing.T, f func(t *testing.T, multi bool)) {
	for _, multi := range []bool{false, true} {
		t.Run(map[bool]string{false: "current", true: "multi"}[multi], func(t *testing.T) {
			before := runtime.NumGoroutine()
			f(t, multi)
			chCheckGoroutines(t, before)
		})
	}
}

// chSender is a task that sends from..from+n-1 with SendAsync and then closes
// its handle.
func chSender(tx *Sender[int], from, n int) rt.Future[struct{}] {
	i := from
	var f *SendFuture[int]
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for i < from+n {
			if f == nil {
				f = tx.SendAsync(i)
			}
			err, ok := f.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			f = nil
			if err != nil {
				panic(err)
			}
			i++
		}
		tx.Close()
		return struct{}{}, true
	})
}

// chCollector is a task that receives with RecvAsync until the channel is
// closed and drained, appending to *got.
func chCollector(rx *Receiver[int], got *[]int) rt.Future[struct{}] {
	return chReceiveAll(rx, func(v int) { *got = append(*got, v) })
}

// chReceiveAll is a task that receives with RecvAsync until the channel is
// closed and drained, calling each for every value.
func chReceiveAll(rx *Receiver[int], each func(int)) rt.Future[struct{}] {
	return chAwaitLoop(func() rt.Future[rt.Tuple2[int, bool]] { return rx.RecvAsync() },
		func(out rt.Tuple2[int, bool]) bool {
			if out.V1 {
				each(out.V0)
			}
			return out.V1
		})
}

// chAwaitLoop is a task that awaits next() again and again, the way
// asyncgen's code awaits in a loop, passing each output to each until it
// returns false.
func chAwaitLoop[T any](next func() rt.Future[T], each func(T) bool) rt.Future[struct{}] {
	var f rt.Future[T]
	return rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		for {
			if f == nil {
				f = next()
			}
			out, ok := f.Poll(cx)
			if !ok {
				return struct{}{}, false
			}
			f = nil
			if !each(out) {
				return struct{}{}, true
			}
		}
	})
}

// chCheckGoroutines fails t if the number of goroutines does not come back
// to before (goleak's check without the module): runtimes and parked
// goroutines of a test must be gone when it ends. It waits for stragglers
// by yielding, not by a wall-clock bound on the test's work.
func chCheckGoroutines(t *testing.T, before int) {
	t.Helper()
	n := 0
	for i := 0; i < 2000; i++ {
		if n = runtime.NumGoroutine(); n <= before {
			return
		}
		time.Sleep(time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("goroutines: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
}
