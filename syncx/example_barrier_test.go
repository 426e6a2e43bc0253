package syncx_test

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/syncx"
)

func ExampleBarrier() {
	b := syncx.NewBarrier(3)
	var leaders atomic.Int32
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if b.Wait() { // all three leave together; one is the leader
				leaders.Add(1)
			}
		})
	}
	wg.Wait()
	fmt.Println("leaders:", leaders.Load())
	// Output: leaders: 1
}
