package genbench

import "github.com/corio-go/corio/rt"

// FanOutClosure is FanOut with each task an async closure instead of the
// named Leaf: the closure's body is Leaf's, reading its iteration's i and a
// variable of the function, both captured by reference.
//
//async:func
func FanOutClosure(n int) int {
	one := 1
	hs := make([]*rt.JoinHandle[int], n)
	for i := range hs {
		hs[i] = rt.Spawn(rt.Async(func() int {
			rt.YieldNow()
			return i + one
		}))
	}
	sum := 0
	for _, h := range hs {
		v, _ := h.Join()
		sum += v
	}
	return sum
}
