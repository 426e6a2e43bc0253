package rt_test

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

// A hand-written Poll spawns with its Context: the task starts at the call,
// on the runtime polling the Context.
func ExampleSpawnIn() {
	var h *rt.JoinHandle[int]
	out := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			h = rt.SpawnIn[int](cx, &square{n: 4})
		}
		res, ok := h.JoinAsync().Poll(cx)
		return res.V0, ok
	}))
	fmt.Println(out)
	// Output: 16
}

func ExampleSpawnInlineIn() {
	var h *rt.JoinHandle[int]
	out := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			h = rt.SpawnInlineIn[int](cx, square{n: 6}) // the future is copied into the task
		}
		res, ok := h.JoinAsync().Poll(cx)
		return res.V0, ok
	}))
	fmt.Println(out)
	// Output: 36
}

func ExampleSpawnNamedIn() {
	var h *rt.JoinHandle[int]
	name := ""
	out := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			h = rt.SpawnNamedIn[int](cx, "squarer", &square{n: 3})
			name = h.Name()
		}
		res, ok := h.JoinAsync().Poll(cx)
		return res.V0, ok
	}))
	fmt.Println(name, out)
	// Output: squarer 9
}

func ExampleSpawnNamedInlineIn() {
	var h *rt.JoinHandle[int]
	name := ""
	out := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			h = rt.SpawnNamedInlineIn[int](cx, "squarer", square{n: 2})
			name = h.Name()
		}
		res, ok := h.JoinAsync().Poll(cx)
		return res.V0, ok
	}))
	fmt.Println(name, out)
	// Output: squarer 4
}

// joinAll spawns n = 1..3 into set with spawn on its first poll, then sums
// the squares as the tasks finish.
func joinAll(set *rt.JoinSet[int], spawn func(cx *rt.Context, n int)) int {
	spawned, total := false, 0
	return rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if !spawned {
			for n := 1; n <= 3; n++ {
				spawn(cx, n)
			}
			spawned = true
		}
		for {
			r, ok := set.JoinNextAsync().Poll(cx)
			if !ok {
				return 0, false
			}
			if !r.V1 {
				return total, true
			}
			total += r.V0
		}
	}))
}

func ExampleJoinSet_SpawnIn() {
	var set rt.JoinSet[int]
	fmt.Println(joinAll(&set, func(cx *rt.Context, n int) { set.SpawnIn(cx, &square{n: n}) }))
	// Output: 14
}

func ExampleJoinSetSpawnInlineIn() {
	var set rt.JoinSet[int]
	fmt.Println(joinAll(&set, func(cx *rt.Context, n int) { rt.JoinSetSpawnInlineIn[int](cx, &set, square{n: n}) }))
	// Output: 14
}
