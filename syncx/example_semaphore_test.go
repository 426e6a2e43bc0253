package syncx_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/corio-go/corio/syncx"
)

func ExampleSemaphore() {
	// At most two workers run at once.
	sem := syncx.NewSemaphore(2)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := sem.Acquire(1); err != nil {
				return
			}
			defer sem.Release(1)
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			running.Add(-1)
		})
	}
	wg.Wait()
	fmt.Println(peak.Load() <= 2, sem.Available())
	// Output: true 2
}

func ExampleSemaphore_Close() {
	sem := syncx.NewSemaphore(0)
	sem.Close()
	err := sem.Acquire(1)
	fmt.Println(err, errors.Is(err, syncx.ErrClosed))
	// Output: corio/syncx: semaphore closed true
}
