package syncx_test

import (
	"fmt"
	"sync"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

func ExampleMutex() {
	// Direct mode: plain goroutines, as with sync.Mutex.
	var mu syncx.Mutex
	var wg sync.WaitGroup
	count := 0
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				mu.Lock()
				count++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Println(count)
	// Output: 4000
}

// appendLocked is the hand-written shape of an async function that does
//
//	mu.Lock()          // suspends: LockAsync
//	*log = append(*log, name)
//	rt.YieldNow()      // suspends while holding the lock
//	mu.Unlock()
type appendLocked struct {
	mu    *syncx.Mutex
	log   *[]string
	name  string
	lock  *syncx.LockFuture
	yield rt.Future[struct{}]
}

func (a *appendLocked) Poll(cx *rt.Context) (struct{}, bool) {
	if a.yield == nil {
		if a.lock == nil {
			a.lock = a.mu.LockAsync()
		}
		if _, ok := a.lock.Poll(cx); !ok {
			return struct{}{}, false
		}
		*a.log = append(*a.log, a.name+" in")
		a.yield = rt.YieldNowAsync()
	}
	if _, ok := a.yield.Poll(cx); !ok {
		return struct{}{}, false
	}
	*a.log = append(*a.log, a.name+" out")
	a.mu.Unlock()
	return struct{}{}, true
}

func ExampleMutex_LockAsync() {
	// Async mode: two tasks; the second waits while the first holds the
	// lock across a suspension point.
	var mu syncx.Mutex
	var log []string
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	a := rt.SpawnOn[struct{}](r, &appendLocked{mu: &mu, log: &log, name: "a"})
	b := rt.SpawnOn[struct{}](r, &appendLocked{mu: &mu, log: &log, name: "b"})
	rt.BlockOn(r, a.JoinAsync()) // drives both tasks on this goroutine
	rt.BlockOn(r, b.JoinAsync())
	fmt.Println(log)
	// Output: [a in a out b in b out]
}

// incLocked is a hand-written future that increments *n under mu, holding
// its lock future by value: MakeLock claims nothing and allocates nothing.
type incLocked struct {
	mu   *syncx.Mutex
	n    *int
	lock syncx.LockFuture
	made bool
}

func (f *incLocked) Poll(cx *rt.Context) (struct{}, bool) {
	if !f.made {
		f.lock, f.made = f.mu.MakeLock(), true
	}
	if _, ok := f.lock.Poll(cx); !ok {
		return struct{}{}, false
	}
	*f.n++
	f.mu.Unlock()
	return struct{}{}, true
}

// Cancel gives up the pending lock; the zero LockFuture's Cancel does nothing.
func (f *incLocked) Cancel() { f.lock.Cancel() }

func ExampleMutex_MakeLock() {
	var mu syncx.Mutex
	n := 0
	r := rt.NewMultiThread()
	defer r.Shutdown()
	hs := make([]*rt.JoinHandle[struct{}], 8)
	for i := range hs {
		hs[i] = rt.SpawnOn[struct{}](r, &incLocked{mu: &mu, n: &n})
	}
	for _, h := range hs {
		h.Join()
	}
	fmt.Println(n)
	// Output: 8
}
