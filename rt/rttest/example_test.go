package rttest_test

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/rt"
	"github.com/corio-go/corio/rt/rttest"
	"github.com/corio-go/corio/rt/rttest/internal/bank"
	"github.com/corio-go/corio/rt/rttest/internal/mix"
)

// Two tasks of two steps each (mix.Steppers: each task logs its number and
// yields, twice). A plain runtime runs them round robin; each seed picks an
// order of its own, and picks it again every time.
func ExampleRun() {
	fmt.Println("plain:  ", rt.Run(mix.SteppersAsync(2, 2)).V0)
	for seed := uint64(1); seed <= 3; seed++ {
		fmt.Printf("seed %d: %v\n", seed, rttest.Run(seed, mix.SteppersAsync(2, 2)).V0)
	}
	fmt.Println("seed 1: ", rttest.Run(1, mix.SteppersAsync(2, 2)).V0)
	// Output:
	// plain:   [0 1 0 1]
	// seed 1: [1 0 1 0]
	// seed 2: [1 1 0 0]
	// seed 3: [1 0 1 0]
	// seed 1:  [1 0 1 0]
}

// PollOrder gives the order of polls: 0 is BlockOn's main future, k the k-th
// task polled. Here the main future spawns two tasks that sleep an hour of
// virtual time each and then joins them; the sleeps end at one instant.
func ExamplePollOrder() {
	out, trace := rttest.PollOrder(7, mix.SleepersAsync(2, time.Hour))
	fmt.Println("woke:", out.V0, "at", out.V1.Sub(rttest.Epoch))
	fmt.Println("polls:", trace)
	// Output:
	// woke: [1 0] at 1h0m0s
	// polls: [0 1 2 1 2 0]
}

// FindFailure hunts for a seed under which a check fails. bank.Scenario
// charges an account twice from two tasks; its withdrawal checks the
// balance, suspends, then debits, so two charges can both pass the check.
func ExampleFindFailure() {
	overdrawn := func(safe bool) func(r *rt.Runtime) error {
		return func(r *rt.Runtime) error {
			if out := rt.BlockOn(r, bank.ScenarioAsync(safe)); out.V0 < 0 {
				return fmt.Errorf("overdrawn: balance %d", out.V0)
			}
			return nil
		}
	}
	f, found := rttest.FindFailure(100, overdrawn(false))
	fmt.Println(found, f)
	_, found = rttest.FindFailure(100, overdrawn(true))
	fmt.Println(found)
	// Output:
	// true seed 1: overdrawn: balance -30
	// false
}
