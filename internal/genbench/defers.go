package genbench

import (
	"sync/atomic"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// Guarded is shared state for the defer benchmarks.
type Guarded struct {
	mu    syncx.Mutex
	total int
}

func (g *Guarded) add(n int) { g.total += n }

// Defer3 runs three defers — an unlock, a method with an argument and a
// closure that changes the named result — around n suspensions.
//
//async:func
func Defer3(g *Guarded, n int) (out int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	defer g.add(n)
	defer func() { out++ }()
	for i := 0; i < n; i++ {
		rt.YieldNow()
		out++
	}
	return out
}

// Defer3Calls defers three calls (no closure) around n suspensions.
//
//async:func
func Defer3Calls(g *Guarded, n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	defer g.add(n)
	defer g.add(1)
	for i := 0; i < n; i++ {
		rt.YieldNow()
	}
	return n
}

// NoDefer is Defer3 with the cleanup written out: the baseline.
//
//async:func
func NoDefer(g *Guarded, n int) (out int) {
	g.mu.Lock()
	for i := 0; i < n; i++ {
		rt.YieldNow()
		out++
	}
	out++
	g.add(n)
	g.mu.Unlock()
	return out
}

// DeferLoop defers a call in each of its n iterations, each of which
// suspends: n defers pending at the end.
//
//async:func
func DeferLoop(g *Guarded, n int) {
	for i := 0; i < n; i++ {
		defer g.add(i)
		rt.YieldNow()
	}
}

// Defer3Closures defers three closures that capture variables (the
// guard, the count, the named result), one of which changes the result
// after return, around n suspensions.
//
//async:func
func Defer3Closures(g *Guarded, n int) (out int) {
	g.mu.Lock()
	step := 1
	defer func() { g.mu.Unlock() }()
	defer func() { g.add(n + step) }()
	defer func() { out += step }()
	for i := 0; i < n; i++ {
		rt.YieldNow()
		out++
	}
	step = 2
	return out
}

// Defer3Recover is Defer3 with its closure a recover that sets the
// result, as servers write it.
//
//async:func
func Defer3Recover(g *Guarded, n int) (out int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	defer g.add(n)
	defer func() {
		if r := recover(); r != nil {
			out = -1
		}
	}()
	for i := 0; i < n; i++ {
		rt.YieldNow()
		out++
	}
	return out
}

// DeferLoopClosure defers a closure that captures the iteration's variable
// in each of its n iterations, each of which suspends.
//
//async:func
func DeferLoopClosure(g *Guarded, n int) {
	for i := 0; i < n; i++ {
		defer func() { g.add(i) }()
		rt.YieldNow()
	}
}

// DeferChain recurses depth levels, levels 3 and 0 with a defer pending
// while they await, and yields for ever at the bottom: a task suspended
// deep, the levels above 3 on the driver's frame stack, for a cancellation
// to unwind.
//
//async:func
func DeferChain(log *[]int, bottom *atomic.Int32, depth int) {
	if depth == 0 {
		defer func() { *log = append(*log, 0) }()
		for {
			bottom.Add(1)
			rt.YieldNow()
		}
	}
	if depth%3 == 0 && depth < 5 {
		defer func() { *log = append(*log, depth) }()
	}
	rt.YieldNow()
	DeferChain(log, bottom, depth-1)
}
