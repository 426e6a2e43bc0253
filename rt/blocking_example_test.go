package rt_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/corio-go/corio/rt"
)

func ExampleSpawnBlocking() {
	// A blocking call runs on a pool goroutine; its handle joins like a task's.
	h := rt.SpawnBlocking(func() error {
		_, err := os.Stat(os.DevNull) // a syscall with no readiness API
		return err
	})
	err, jerr := h.Join()
	fmt.Println(err, jerr)
	// Output: <nil> <nil>
}

func ExampleContextDone() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	// Direct mode blocks until ctx is done; ContextDoneAsync is the future an
	// async function awaits, here run on a fresh runtime.
	fmt.Println(rt.ContextDone(ctx))
	fmt.Println(rt.Run(rt.ContextDoneAsync(ctx)))
	// Output:
	// context deadline exceeded
	// context deadline exceeded
}
