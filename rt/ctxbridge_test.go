package rt

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestContextDoneAlreadyDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := ContextDoneAsync(ctx).(*contextDone)
	var w cellWaker
	err, ok := f.Poll(NewContext(&w))
	if !ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll = %v, %v; want context.Canceled, true", err, ok)
	}
	if f.stop != nil {
		t.Fatal("a done context registered a callback")
	}
}

func TestContextDoneWakesOnCancel(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	f := ContextDoneAsync(ctx)
	var w cellWaker
	cx := NewContext(&w)
	if _, ok := f.Poll(cx); ok {
		t.Fatal("ready before cancel")
	}
	if _, ok := f.Poll(cx); ok { // a spurious poll re-registers, nothing more
		t.Fatal("ready before cancel")
	}
	cancel()
	waitUntil(func() bool { return w.n.Load() > 0 })
	err, ok := f.Poll(cx)
	if !ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("Poll = %v, %v; want context.Canceled, true", err, ok)
	}
	if n := w.n.Load(); n != 1 {
		t.Fatalf("%d wakes, want 1", n)
	}
}

func TestContextDoneCancelUnregisters(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := ContextDoneAsync(ctx).(*contextDone)
	var w cellWaker
	if _, ok := f.Poll(NewContext(&w)); ok {
		t.Fatal("ready before cancel")
	}
	stop := f.stop
	f.Cancel()
	// stop reports true only if it is the one that unregistered the callback:
	// Cancel must have done it already.
	if stop() {
		t.Fatal("the AfterFunc callback was still registered after Cancel")
	}
	cancel()
	f.waker.wake() // even a late callback wakes nobody after Cancel
	if w.n.Load() != 0 {
		t.Fatal("woken after Cancel")
	}
}

// Pending waits cost no goroutine: n futures pending on one context add
// (almost) nothing to the goroutine count, and all wake when it is cancelled.
func TestContextDonePendingCostsNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	const n = 1000
	var w cellWaker
	cx := NewContext(&w)
	fs := make([]Future[error], n)
	before := runtime.NumGoroutine()
	for i := range fs {
		fs[i] = ContextDoneAsync(ctx)
		if _, ok := fs[i].Poll(cx); ok {
			t.Fatal("ready before cancel")
		}
	}
	if g := runtime.NumGoroutine() - before; g > n/10 {
		t.Fatalf("%d pending waits added %d goroutines", n, g)
	}
	cancel()
	waitUntil(func() bool { return w.n.Load() == n })
	for _, f := range fs {
		if err, ok := f.Poll(cx); !ok || err != context.Canceled {
			t.Fatalf("Poll = %v, %v after cancel", err, ok)
		}
	}
}

func TestContextDoneOnRuntime(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if err := Run(ContextDoneAsync(ctx)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v, want DeadlineExceeded", err)
	}
	// A task waiting on a context is cancelled cleanly by Abort.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	h := Spawn(ContextDoneAsync(ctx2))
	h.Abort()
	var je *JoinError
	if _, err := h.Join(); !errors.As(err, &je) || !je.IsCancelled() {
		t.Fatalf("aborted wait: %v", err)
	}
}

func TestContextDoneDirect(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	var started atomic.Bool
	go func() {
		for !started.Load() {
			runtime.Gosched()
		}
		cancel(errors.New("stop"))
	}()
	started.Store(true)
	if err := ContextDone(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("ContextDone = %v, want context.Canceled", err)
	}
}

func BenchmarkContextDonePendingThenCancel(b *testing.B) {
	b.ReportAllocs()
	var w cellWaker
	cx := NewContext(&w)
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		f := ContextDoneAsync(ctx)
		f.Poll(cx)
		Cancel(f)
		cancel()
	}
}
