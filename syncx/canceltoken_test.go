package syncx

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/corio-go/corio/rt"
)

func pollCancelled(f *CancelledFuture, w *explWaker) bool {
	_, ok := f.Poll(rt.NewContext(w))
	return ok
}

func TestCancelTokenTree(t *testing.T) {
	root := NewCancelToken()
	child := root.Child()
	grand := child.Child()
	sibling := root.Child()
	child.Cancel()
	if !child.IsCancelled() || !grand.IsCancelled() {
		t.Fatal("cancelling a token did not cancel its child")
	}
	if root.IsCancelled() || sibling.IsCancelled() {
		t.Fatal("cancelling a child cancelled its parent or sibling")
	}
	root.Cancel()
	root.Cancel()
	if !sibling.IsCancelled() || !root.Child().IsCancelled() {
		t.Fatal("cancelling the root missed a child, or a late child is live")
	}
}

// TestCancelTokenChildUnlinks: a cancelled child is no longer reachable from
// its parent, so short-lived children of a long-lived token do not pile up.
func TestCancelTokenChildUnlinks(t *testing.T) {
	root := NewCancelToken()
	for range 1000 {
		root.Child().Cancel()
	}
	root.mu.Lock()
	defer root.mu.Unlock()
	if len(root.callbacks) != 0 {
		t.Fatal("cancelled children are still linked to their parent")
	}
}

func TestCancelTokenCancelledFuture(t *testing.T) {
	tok := NewCancelToken()
	w1, w2 := &explWaker{}, &explWaker{}
	f1, f2 := tok.CancelledAsync(), tok.CancelledAsync()
	if pollCancelled(f1, w1) || pollCancelled(f2, w2) {
		t.Fatal("ready before Cancel")
	}
	f2.Cancel()
	f2.Cancel()
	tok.Cancel()
	if !w1.woken || w2.woken {
		t.Fatal("Cancel woke the wrong waiters")
	}
	if !pollCancelled(f1, w1) || !pollCancelled(tok.CancelledAsync(), &explWaker{}) {
		t.Fatal("not ready after Cancel")
	}
	tok.Cancelled() // at once
}

func TestCancelTokenTasks(t *testing.T) {
	chModes(t, func(t *testing.T, multi bool) {
		root := NewCancelToken()
		var fs []rt.Future[struct{}]
		for i := range 10 {
			tok := root
			if i%2 == 1 {
				tok = root.Child()
			}
			var f *CancelledFuture
			fs = append(fs, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
				if f == nil {
					f = tok.CancelledAsync()
				}
				_, ok := f.Poll(cx)
				return struct{}{}, ok
			}))
		}
		go root.Cancel()
		chRunTasks(t, multi, fs...)
	})
}

func TestCancelTokenFromContext(t *testing.T) {
	type key struct{}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	toks := make([]*CancelToken, 100)
	for i := range toks {
		toks[i] = FromContext(ctx)
	}
	toks[0].Context() // and a derived context
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("FromContext started goroutines: %d → %d", before, n)
	}
	if toks[1].Context().Value(key{}) != "v" {
		t.Fatal("the token's context lost the original context's values")
	}
	toks[2].Cancel() // does not cancel ctx
	if ctx.Err() != nil {
		t.Fatal("cancelling a token cancelled its source context")
	}
	cancel()
	for _, tok := range toks {
		tok.Cancelled() // each is cancelled by ctx
	}
	if !FromContext(ctx).IsCancelled() {
		t.Fatal("FromContext of a done context is not cancelled")
	}
	bg := FromContext(context.Background())
	if bg.IsCancelled() || bg.ctxStop != nil {
		t.Fatal("FromContext(Background) registered or cancelled")
	}
	chCheckGoroutines(t, before)
}

func TestCancelTokenContext(t *testing.T) {
	before := runtime.NumGoroutine()
	tok := NewCancelToken()
	ctx := tok.Context()
	if tok.Context() != ctx {
		t.Fatal("Context returned different contexts")
	}
	derived, stop := context.WithCancel(ctx) // the context package's own propagation
	defer stop()
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("Context or a context derived from it started goroutines: %d → %d", before, n)
	}
	tok.Child().Cancel()
	if ctx.Err() != nil {
		t.Fatal("a child's cancel reached the parent's context")
	}
	tok.Cancel()
	<-derived.Done()
	if ctx.Err() != context.Canceled || !errors.Is(context.Cause(ctx), ErrTokenCancelled) {
		t.Fatalf("Err %v, Cause %v", ctx.Err(), context.Cause(ctx))
	}
	late := NewCancelToken()
	late.Cancel()
	if late.Context().Err() == nil {
		t.Fatal("Context of a cancelled token is live")
	}
}

func TestCancelTokenAfterFunc(t *testing.T) {
	tok := NewCancelToken()
	ran := make(chan int, 3)
	tok.AfterFunc(func() { ran <- 1 })
	stop := tok.AfterFunc(func() { ran <- 2 })
	if !stop() || stop() {
		t.Fatal("stop must report true once")
	}
	tok.Cancel()
	if got := <-ran; got != 1 {
		t.Fatalf("ran %d", got)
	}
	if tok.AfterFunc(func() { ran <- 3 })() {
		t.Fatal("stop after cancel reported true")
	}
	if got := <-ran; got != 3 {
		t.Fatalf("AfterFunc on a cancelled token: ran %d", got)
	}
	select {
	case got := <-ran:
		t.Fatalf("a stopped callback ran: %d", got)
	default:
	}
}

func TestCancelTokenRefusedOnRuntime(t *testing.T) {
	tok := NewCancelToken()
	if msg := refusedInTask(t, tok.Cancelled); msg != "corio/syncx: CancelToken.Cancelled called from inside a task on a runtime goroutine; use CancelledAsync in an async function" {
		t.Fatalf("panic %q", msg)
	}
	tok.mu.Lock()
	defer tok.mu.Unlock()
	if !tok.waiters.empty() {
		t.Fatal("the refused Cancelled stayed queued")
	}
}
