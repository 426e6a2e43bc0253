package syncx_test

import (
	"fmt"
	"sync"

	"github.com/corio-go/corio/syncx"
)

func ExampleRwLock() {
	var rw syncx.RwLock
	config := map[string]string{"mode": "fast"}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			rw.RLock() // readers share the lock
			_ = config["mode"]
			rw.RUnlock()
		})
	}
	rw.Lock() // a writer has it alone; readers that arrive now wait behind it
	config["mode"] = "safe"
	rw.Unlock()
	wg.Wait()
	rw.RLock()
	fmt.Println(config["mode"])
	rw.RUnlock()
	// Output: safe
}
