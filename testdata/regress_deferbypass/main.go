// Regression: a future whose pending defers cannot recover lets the driver
// resume the frames it awaits directly (rt's frame stack), so a wake-up
// costs the same at any depth also when every level has a defer pending
// (Go's fixedbugs/issue16249.go: a recursion 1000 deep, a defer at every
// level, timed out when each resume re-polled every level). A panic, or a
// deferred call's panic, that leaves the driven frames must still run every
// bypassed level's pending defers, innermost first, before it leaves the
// driver (a main future's rt.Run, a task's JoinError); a level with a
// defer that may recover (Catcher) is not bypassed and stops the panic
// itself, and the levels above it go on.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

type scenario struct {
	name                            string
	depth, panicAt, boomAt, catchAt int
	bottomPanics                    bool
}

var scenarios = []scenario{
	{"none", 6, -1, -1, -1, false},
	{"bottom", 6, -1, -1, -1, true},
	{"level", 6, 3, -1, -1, false},
	{"boom", 6, -1, 4, -1, true},
	{"caught", 6, -1, -1, 4, true},
	{"boom-caught", 7, -1, 2, 5, true},
	{"level-boom", 7, 2, 5, -1, false},
	{"caught-level", 7, 6, -1, 3, true},
}

func main() {
	difftest.Main(func() {
		for i, s := range scenarios {
			protect(s.name, func() { fmt.Println(Scenario(i)) })
		}
		for i, s := range scenarios {
			protect("task "+s.name, func() { fmt.Println(Scenario(i)) })
		}
	}, func() {
		for i, s := range scenarios {
			protect(s.name, func() { fmt.Println(rt.Run(ScenarioAsync(i))) })
		}
		for i, s := range scenarios {
			protect("task "+s.name, func() {
				rt.Run(rt.AsyncDo(func() {
					out, err := rt.Spawn(ScenarioAsync(i)).Join()
					if je, ok := err.(*rt.JoinError); ok {
						panic(je.PanicValue())
					}
					fmt.Println(out)
				}))
			})
		}
	})
}

// protect runs f and prints the panic that leaves it, with the trail.
func protect(name string, f func()) {
	trail = nil
	defer func() {
		fmt.Println(name, "panicked:", recover(), trail)
	}()
	f()
}

var trail []string

func note(s string, n int) { trail = append(trail, fmt.Sprint(s, n)) }

// boom panics with a new value when it runs as a deferred call.
func boom(n int) { panic(fmt.Sprint("boom at ", n)) }

// Scenario runs one scenario: no defer, so nothing stops the driver from
// resuming Rec's frames directly.
//
//async:func
func Scenario(i int) string {
	s := scenarios[i]
	n := Rec(s.depth, s.panicAt, s.boomAt, s.catchAt, s.bottomPanics)
	rt.YieldNow()
	return fmt.Sprint(s.name, " returned ", n, " ", trail)
}

// Rec recurses to depth 0, each level with a plain defer pending while it
// awaits; the bottom yields three times (the levels are pushed as frames)
// and then panics if bottomPanics. The level panicAt panics after its
// child returned (after the frames below it were popped); the level
// boomAt defers a call that panics again; the level catchAt awaits its
// child through Catcher, which recovers.
//
//async:func
func Rec(depth, panicAt, boomAt, catchAt int, bottomPanics bool) (out int) {
	defer note("d", depth)
	if depth == boomAt {
		defer boom(depth)
	}
	rt.YieldNow()
	if depth == 0 {
		for i := 0; i < 3; i++ {
			rt.YieldNow()
		}
		if bottomPanics {
			panic("bottom")
		}
		return 1
	}
	if depth == catchAt {
		out = Catcher(depth, panicAt, boomAt, catchAt, bottomPanics) + 1
	} else {
		out = Rec(depth-1, panicAt, boomAt, catchAt, bottomPanics) + 1
	}
	rt.YieldNow()
	if depth == panicAt {
		panic(fmt.Sprint("level ", depth))
	}
	return out
}

// Catcher awaits Rec one level down with a defer pending that recovers.
//
//async:func
func Catcher(depth, panicAt, boomAt, catchAt int, bottomPanics bool) (out int) {
	defer func() {
		if v := recover(); v != nil {
			note(fmt.Sprint("caught(", v, ")@"), depth)
			out = -100
		}
	}()
	rt.YieldNow()
	return Rec(depth-1, panicAt, boomAt, catchAt, bottomPanics)
}
