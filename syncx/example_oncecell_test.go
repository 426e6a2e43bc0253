package syncx_test

import (
	"fmt"
	"sync"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func ExampleOnceCell() {
	var cfg syncx.OnceCell[string]
	load := func() rt.Future[string] {
		// In an async function this would be the twin of an async loader,
		// e.g. LoadConfigAsync(path); a synchronous value is wrapped with
		// rt.Ready.
		fmt.Println("loading")
		return rt.Ready("config v1")
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { cfg.GetOrInit(load) }) // "loading" is printed once
	}
	wg.Wait()
	v, ok := cfg.Get()
	fmt.Println(v, ok)
	// Output:
	// loading
	// config v1 true
}
