package syncx_test

import (
	"fmt"
	"sync/atomic"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func ExampleWaitGroup() {
	var wg syncx.WaitGroup
	var done atomic.Int32
	wg.Add(3)
	for range 3 {
		// Tasks on the default runtime; Done is a plain call.
		rt.Spawn(rt.PollFunc(func(*rt.Context) (struct{}, bool) {
			done.Add(1)
			wg.Done()
			return struct{}{}, true
		}))
	}
	wg.Wait() // direct mode; in an async function it suspends (WaitAsync)
	fmt.Println(done.Load())
	// Output: 3
}
