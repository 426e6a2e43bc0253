// Package mix holds small async programs for rttest's tests: tasks that
// yield, tasks that sleep to one instant, selects between ready branches.
// Each returns a log of what ran in which order, for the tests to compare
// across seeds.
package mix

//go:generate go run github.com/corio-go/corio/cmd/asyncgen

import (
	"time"

	"github.com/corio-go/corio/rt"
)

// Stepper appends id to *log n times, yielding after each.
//
//async:func
func Stepper(id, n int, log *[]int) {
	for range n {
		*log = append(*log, id)
		rt.YieldNow()
	}
}

// Steppers runs k Steppers of n steps as tasks and returns the order of
// their steps.
//
//async:func
func Steppers(k, n int) ([]int, error) {
	var log []int
	hs := make([]*rt.JoinHandle[struct{}], k)
	for i := range k {
		hs[i] = rt.Spawn(StepperAsync(i, n, &log))
	}
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			return nil, err
		}
	}
	return log, nil
}

// sleeper sleeps d, then appends id to *log.
//
//async:func
func sleeper(id int, d time.Duration, log *[]int) {
	rt.Sleep(d)
	*log = append(*log, id)
}

// Sleepers runs k tasks that all sleep d, so that their timers fire at one
// instant, and returns the order in which they woke and the time after.
//
//async:func
func Sleepers(k int, d time.Duration) ([]int, time.Time, error) {
	var log []int
	hs := make([]*rt.JoinHandle[struct{}], k)
	for i := range k {
		hs[i] = rt.Spawn(sleeperAsync(i, d, &log))
	}
	for _, h := range hs {
		if _, err := h.Join(); err != nil {
			return nil, time.Time{}, err
		}
	}
	return log, rt.Now(), nil
}

// Selects runs n selects between two futures that are both ready and returns
// the branch that won each.
//
//async:func
func Selects(n int) []int {
	won := make([]int, n)
	for i := range n {
		s := rt.Select2(rt.Ready(0), rt.Ready(1))
		won[i] = s.Index
	}
	return won
}

// JoinSetOrder spawns k tasks into a JoinSet, each yielding twice and
// returning its number, and returns the numbers in the order JoinNext handed
// them out: completion order.
//
//async:func
func JoinSetOrder(k int) ([]int, error) {
	var set rt.JoinSet[int]
	for i := range k {
		set.Spawn(rt.Async(func() int {
			rt.YieldNow()
			rt.YieldNow()
			return i
		}))
	}
	var order []int
	for {
		v, ok, err := set.JoinNext()
		if !ok {
			return order, nil
		}
		if err != nil {
			return nil, err
		}
		order = append(order, v)
	}
}
