package genbench

import (
	"iter"

	"github.com/corio-go/corio/rt"
)

// seqN is a function iterator over 0…n-1.
func seqN(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// RangeYields ranges over an iterator of n values and suspends in each
// iteration: a range over a function whose body suspends, which runs the
// iterator on a coroutine (rt.RangeFunc).
//
//async:func
func RangeYields(n int) int {
	sum := 0
	for i := range seqN(n) {
		rt.YieldNow()
		sum += i
	}
	return sum
}

// RangeLoops runs n such loops of one iteration each: the cost of starting
// and ending one.
//
//async:func
func RangeLoops(n int) int {
	done := 0
	for range n {
		for range seqN(1) {
			rt.YieldNow()
			done++
		}
	}
	return done
}

// IdleInRange is a task suspended inside the body of a range over a
// function: beside Idle, the memory a suspended loop adds.
//
//async:func
func IdleInRange(id int, open *bool) int {
	total := id
	for i := range seqN(1) {
		rt.Await(rt.Future[struct{}](&gate{open: open}))
		total += i
	}
	return total
}
