package rt_test

import (
	"errors"
	"fmt"

	"github.com/corio-go/corio/rt"
)

// countdown is a hand-written future of the kind asyncgen generates: it yields
// n times, printing as it goes, then is ready with n.
type countdown struct {
	name  string
	n, at int
	yield rt.Future[struct{}] // the pending YieldNowAsync, if any
}

func (c *countdown) Poll(cx *rt.Context) (int, bool) {
	for {
		if c.yield != nil {
			if _, ok := c.yield.Poll(cx); !ok {
				return 0, false
			}
			c.yield = nil
		}
		if c.at == c.n {
			return c.n, true
		}
		c.at++
		fmt.Println(c.name, c.at)
		c.yield = rt.YieldNowAsync() // rt.YieldNow() in the async source
	}
}

func ExampleRun() {
	n := rt.Run[int](&countdown{name: "main", n: 2})
	fmt.Println("result", n)
	// Output:
	// main 1
	// main 2
	// result 2
}

func ExampleSpawn() {
	// Direct mode: the task runs on the process default runtime.
	h := rt.Spawn[int](&countdown{name: "bg", n: 2})
	n, err := h.Join()
	fmt.Println(n, err)
	// Output:
	// bg 1
	// bg 2
	// 2 <nil>
}

func ExampleBlockOn() {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	a := rt.SpawnOn[int](r, &countdown{name: "a", n: 2})
	b := rt.SpawnOn[int](r, &countdown{name: "b", n: 2})
	// The main future joins both; meanwhile the tasks interleave at their
	// yields on this goroutine.
	var ra, rb rt.Tuple2[int, error]
	rt.BlockOn(r, rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		if _, ok := a.JoinAsync().Poll(cx); !ok {
			return struct{}{}, false
		}
		ra, _ = a.JoinAsync().Poll(cx)
		var ok bool
		rb, ok = b.JoinAsync().Poll(cx)
		return struct{}{}, ok
	}))
	fmt.Println(ra.V0, rb.V0)
	// Output:
	// a 1
	// b 1
	// a 2
	// b 2
	// 2 2
}

func ExampleSpawnAsync() {
	// Inside a future, SpawnAsync spawns onto the runtime polling it.
	var h *rt.JoinHandle[int]
	total := rt.Run(rt.PollFunc(func(cx *rt.Context) (int, bool) {
		if h == nil {
			h, _ = rt.SpawnAsync[int](&countdown{name: "child", n: 1}).Poll(cx)
		}
		r, ok := h.JoinAsync().Poll(cx)
		return r.V0 + 10, ok
	}))
	fmt.Println(total)
	// Output:
	// child 1
	// 11
}

func ExampleYieldNowAsync() {
	y := rt.YieldNowAsync()
	polls := 0
	rt.Run(rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		polls++
		return y.Poll(cx) // pending once, then ready
	}))
	fmt.Println("polls:", polls)
	// Output:
	// polls: 2
}

// forever is pending until cancelled.
type forever struct{}

func (forever) Poll(*rt.Context) (struct{}, bool) { return struct{}{}, false }
func (forever) Cancel()                           { fmt.Println("cancelled") }

func ExampleJoinHandle_Abort() {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	h := rt.SpawnOn[struct{}](r, forever{})
	h.Abort()
	res := rt.BlockOn(r, h.JoinAsync())
	var je *rt.JoinError
	fmt.Println(errors.As(res.V1, &je), je.IsCancelled(), je.ID() == h.ID())
	// Output:
	// cancelled
	// true true true
}

func ExampleJoinError() {
	h := rt.Spawn(rt.PollFunc(func(*rt.Context) (int, bool) { panic("boom") }))
	_, err := h.Join()
	var je *rt.JoinError
	errors.As(err, &je)
	fmt.Println(je.IsPanic(), je.PanicValue(), len(je.StackTrace()) > 0)
	// Output:
	// true boom true
}

func ExampleAwait() {
	// Direct mode: drive a future on this goroutine.
	fmt.Println(rt.Await[int](&countdown{name: "await", n: 1}))
	// Output:
	// await 1
	// 1
}

func ExampleUnconstrained() {
	// A leaf that is always ready spends budget; inside Unconstrained the
	// budget never runs out, so the whole loop finishes in one poll.
	polls, units := 0, 0
	rt.Run(rt.Unconstrained(rt.PollFunc(func(cx *rt.Context) (struct{}, bool) {
		polls++
		for units < 1000 {
			if !cx.ConsumeBudget() {
				cx.Waker().Wake()
				return struct{}{}, false
			}
			units++
		}
		return struct{}{}, true
	})))
	fmt.Println(polls, units)
	// Output:
	// 1 1000
}

func ExampleRuntime_Metrics() {
	r := rt.NewCurrentThread()
	defer r.Shutdown()
	h := rt.SpawnOn[int](r, &countdown{name: "m", n: 3})
	rt.BlockOn(r, h.JoinAsync())
	m := r.Metrics()
	fmt.Println(m.Spawned, m.Completed, m.Polls)
	// Output:
	// m 1
	// m 2
	// m 3
	// 1 1 4
}
