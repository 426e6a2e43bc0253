package tracetest

import (
	"iter"

	"github.com/corio-go/corio/rt"
)

// Svc has an async method, so that the chain holds a method's frame.
type Svc struct{ calls int }

// Outer awaits a method: the chain's root.
//
//async:func
func Outer(s *Svc, g1, g2, g3 *Gate) int {
	n := s.Middle(g1, g2, g3)
	return n + 100
}

// Middle awaits a generic function.
//
//async:func
func (s *Svc) Middle(g1, g2, g3 *Gate) int {
	s.calls++
	return Inner(s.calls, g1, g2, g3)
}

// Inner awaits an async closure, which waits on the gates in turn in the
// body of a range over a function.
//
//async:func
func Inner[T any](x T, g1, g2, g3 *Gate) int {
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
