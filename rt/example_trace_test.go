package rt_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
)

// TraceChain follows a suspended future's await chain down to the leaf: here
// a timeout around a sleep, read by the poller right after it suspended. A
// generated future answers with its function, file and await line, and
// the chain goes on through it the same way.
func ExampleTraceChain() {
	r := rt.NewCurrentThreadWith(rt.WithPausedClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	defer r.Shutdown()
	f := rt.TimeoutAsync(2*time.Second, rt.Future[struct{}](rt.SleepAsync(time.Second)))
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		if _, ok := f.Poll(cx); !ok {
			for _, t := range rt.TraceChain(f) {
				fmt.Println(t)
			}
			rt.Cancel(f)
		}
		return struct{}{}, true
	}))
	// Output:
	// rt.Timeout[...] (deadline in 2s)
	// rt.Sleep (deadline in 1s)
}
