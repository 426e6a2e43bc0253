package tracetest

import (
	"iter"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/syncx"
)

// Svc has an async method, so that the chain holds a method's frame.
type Svc struct {
	calls int
	Mu    syncx.Mutex
}

// Outer awaits a method: the chain's root.
//
//async:func
func Outer(s *Svc, g1, g2, g3 *Gate) int {
	n := s.Middle(g1, g2, g3)
	return n + 100
}

// Middle awaits a generic function, after a future of another type, so
// that its await field is shared (an interface).
//
//async:func
func (s *Svc) Middle(g1, g2, g3 *Gate) int {
	n := rt.Await(rt.Ready(s.calls + 1))
	return Inner(n, &s.Mu, g1, g2, g3)
}

// Inner awaits an async closure, which waits on the gates in turn in the
// body of a range over a function, then for the mutex (a future it holds
// by value).
//
//async:func
func Inner[T any](x T, mu *syncx.Mutex, g1, g2, g3 *Gate) int {
	_ = x
	return rt.Await(rt.Async(func() int {
		total := 0
		for i := range count(3) {
			switch i {
			case 0:
				g1.Wait()
			case 1:
				g2.Wait()
			default:
				g3.Wait()
			}
			total += i
		}
		mu.Lock()
		mu.Unlock()
		return total
	}))
}

func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}
