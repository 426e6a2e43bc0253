package main

import (
	"sync"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

var mu sync.Mutex
var rw sync.RWMutex

//async:func
func Main() {
	mu.Lock()
	rt.YieldNow()
	mu.Unlock()
	mu.Lock() // fine: unlocked before the next suspension
	mu.Unlock()
	rt.YieldNow()
	rw.RLock()
	if true {
		rt.YieldNow()
	}
	rw.RUnlock()
}
