package main

import (
	"sync"
	"time"

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

// Clock: rt.Now() and rt.CurrentHandle() are written as cx.Now() and
// cx.Handle(), and a spawn with the poll's Context: none of them suspends,
// so only the lock held across the rt.YieldNow() after them is reported.
//
//async:func
func Clock() time.Duration {
	mu.Lock()
	t := rt.Now()
	_ = rt.CurrentHandle()
	rt.Spawn(rt.YieldNowAsync())
	mu.Unlock()
	rw.Lock()
	d := rt.Now().Sub(t)
	rt.YieldNow()
	rw.Unlock()
	return d
}
