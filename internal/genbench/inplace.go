package genbench

// Calls that asyncgen writes in place with the poll's Context: a spawn
// (rt.SpawnIn) and a clock reading (cx.Now()). Neither is a suspension
// point, so a loop that holds only those runs as written, not as states
// of the future.

import (
	"iter"
	"time"

	"github.com/corio-go/corio/rt"
)

// upTo yields 0, …, n-1.
func upTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// SpawnSeq spawns a Leaf per value of an iterator into a set, then joins
// them: its loop over the iterator holds only spawns.
//
//async:func
func SpawnSeq(n int) int {
	set := &rt.JoinSet[int]{}
	for i := range upTo(n) {
		set.Spawn(LeafAsync(i))
	}
	sum := 0
	for {
		v, ok, _ := set.JoinNext()
		if !ok {
			return sum
		}
		sum += v
	}
}

// Stamps reads the clock n times and returns the readings' span in
// nanoseconds, never negative.
//
//async:func
func Stamps(n int) int64 {
	first := rt.Now()
	last := first
	for range n {
		last = rt.Now()
	}
	rt.YieldNow()
	return int64(last.Sub(first) / time.Nanosecond)
}
