package rt_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corio-go/corio/rt"
)

// In plain Go, awaiting an Async future runs the func on the caller's
// goroutine at the first poll, not when the future is made.
func TestAsyncRunsAtFirstPollInline(t *testing.T) {
	ran := 0
	x := 1
	f := rt.Async(func() int { ran++; x *= 10; return x + 1 })
	if ran != 0 {
		t.Fatalf("Async ran the func before the first poll")
	}
	if got := rt.Await(f); got != 11 || x != 10 || ran != 1 {
		t.Fatalf("Await = %d, x = %d, ran = %d; want 11, 10, 1", got, x, ran)
	}
}

// A spawned closure runs on its own goroutine, so direct-mode blocking
// inside it (Join of another task) does not stall the default runtime.
func TestAsyncSpawnDirectBlocks(t *testing.T) {
	inner := rt.Spawn(rt.Async(func() int { return 20 }))
	var shared atomic.Int64
	h := rt.Spawn(rt.Async(func() int {
		v, err := inner.Join() // would panic on a runtime goroutine
		if err != nil {
			return -1
		}
		shared.Add(int64(v))
		return v + 1
	}))
	v, err := h.Join()
	if err != nil || v != 21 || shared.Load() != 20 {
		t.Fatalf("Join = %d, %v, shared %d; want 21, nil, 20", v, err, shared.Load())
	}
}

func TestAsyncDo(t *testing.T) {
	n := 0
	rt.Await(rt.AsyncDo(func() { n = 7 }))
	if n != 7 {
		t.Fatalf("n = %d, want 7", n)
	}
	h := rt.Spawn(rt.AsyncDo(func() { n = 8 }))
	if _, err := h.Join(); err != nil || n != 8 {
		t.Fatalf("Join: %v, n = %d; want nil, 8", err, n)
	}
}

func TestAsyncPanicInline(t *testing.T) {
	defer func() {
		if r := recover(); r != "inline boom" {
			t.Fatalf("recovered %v, want the closure's panic value", r)
		}
	}()
	rt.Await(rt.Async(func() int { panic("inline boom") }))
}

// A spawned closure's panic reaches its handle as a *JoinError with the
// panic's value.
func TestAsyncPanicSpawned(t *testing.T) {
	h := rt.Spawn(rt.Async(func() int { panic("spawned boom") }))
	_, err := h.Join()
	var je *rt.JoinError
	if !errors.As(err, &je) || !je.IsPanic() || je.Value != "spawned boom" {
		t.Fatalf("Join error %v, want a panic JoinError with value spawned boom", err)
	}
	// The runtime keeps running other tasks.
	if v, err := rt.Spawn(rt.Async(func() int { return 3 })).Join(); v != 3 || err != nil {
		t.Fatalf("after the panic: Join = %d, %v", v, err)
	}
}

// Abort of a spawned closure: the handle reports cancellation at once; the
// goroutine running the func finishes later and its result is dropped.
func TestAsyncAbortSpawned(t *testing.T) {
	release := make(chan struct{})
	finished := make(chan int, 1)
	started := make(chan struct{})
	h := rt.Spawn(rt.Async(func() int {
		close(started)
		<-release
		finished <- 1
		return 1
	}))
	<-started
	h.Abort()
	_, err := h.Join()
	var je *rt.JoinError
	if !errors.As(err, &je) || !je.IsCancelled() {
		t.Fatalf("Join after Abort: %v, want a cancelled JoinError", err)
	}
	close(release)
	if <-finished != 1 {
		t.Fatal("the func did not finish")
	}
}

// Inside a task of a runtime (the goroutine path) the closure's result
// arrives through the waker.
func TestAsyncOnRuntime(t *testing.T) {
	x := 5
	got := rt.Run(rt.Async(func() int {
		x++
		return x * 2
	}))
	if got != 12 || x != 6 {
		t.Fatalf("Run = %d, x = %d; want 12, 6", got, x)
	}
}

// Outside Await, Async's future runs f on a goroutine of its own and is
// pending meanwhile, so Timeout stops waiting for it.
func TestAsyncTimeoutDirect(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	_, err := rt.Timeout(10*time.Millisecond, rt.Async(func() int {
		<-release
		return 1
	}))
	if !errors.Is(err, rt.ErrTimeout) {
		t.Fatalf("Timeout: %v, want ErrTimeout", err)
	}
}

// Join2 of two closures runs them concurrently: each waits for the other,
// which would never finish if they ran one after the other.
func TestAsyncJoin2Concurrent(t *testing.T) {
	a, b := make(chan int), make(chan int)
	x, y := rt.Join2(rt.Async(func() int { a <- 1; return <-b }), rt.Async(func() int { v := <-a; b <- v + 1; return v }))
	if x != 2 || y != 1 {
		t.Fatalf("Join2 = %d, %d; want 2, 1", x, y)
	}
}

func BenchmarkAsyncDirectInline(b *testing.B) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += rt.Await(rt.Async(func() int { return n }))
	}
}

func ExampleAsync() {
	total := 0
	var hs []*rt.JoinHandle[int]
	for i := range 3 {
		// Each closure captures its iteration's i, and total by reference.
		hs = append(hs, rt.Spawn(rt.Async(func() int {
			return i * 10
		})))
	}
	for _, h := range hs {
		v, _ := h.Join()
		total += v
	}
	n := rt.Await(rt.Async(func() int { total++; return total }))
	fmt.Println(total, n)
	// Output:
	// 31 31
}
