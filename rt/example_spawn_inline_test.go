package rt_test

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func ExampleSpawnNamedInlineAsync() {
	var h *rt.JoinHandle[int]
	name := ""
	out := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			// The task dump lists the task as "squarer" while it lives.
			h, _ = rt.SpawnNamedInlineAsync[int]("squarer", square{n: 5}).Poll(cx)
			name = h.Name()
		}
		res, ok := h.JoinAsync().Poll(cx)
		return res.V0, ok
	}))
	fmt.Println(name, out)
	// Output: squarer 25
}

func ExampleJoinSetSpawnInlineAsync() {
	var set rt.JoinSet[int]
	fmt.Println(joinAll(&set, func(cx *rt.Context, n int) {
		rt.JoinSetSpawnInlineAsync[int](&set, square{n: n}).Poll(cx)
	}))
	// Output: 14
}
