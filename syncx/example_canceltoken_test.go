package syncx_test

import (
	"context"
	"fmt"

	"github.com/corio-go/corio/syncx"
)

func ExampleCancelToken() {
	root := syncx.NewCancelToken()
	worker := root.Child()
	done := make(chan struct{})
	go func() {
		worker.Cancelled() // in a task: select on CancelledAsync beside the work
		fmt.Println("worker stopped")
		close(done)
	}()
	root.Cancel() // cancels the whole tree
	<-done
	fmt.Println(root.IsCancelled(), worker.IsCancelled())
	// Output:
	// worker stopped
	// true true
}

func ExampleFromContext() {
	ctx, cancel := context.WithCancel(context.Background())
	tok := syncx.FromContext(ctx) // no goroutine: context.AfterFunc
	cancel()
	tok.Cancelled()
	fmt.Println(tok.IsCancelled())
	// Output: true
}

func ExampleCancelToken_Context() {
	tok := syncx.NewCancelToken()
	ctx := tok.Context() // hand it to code that speaks context.Context
	tok.Cancel()
	<-ctx.Done()
	fmt.Println(ctx.Err(), context.Cause(ctx))
	// Output: context canceled corio/syncx: token cancelled
}
