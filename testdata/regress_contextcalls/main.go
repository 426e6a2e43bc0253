// Regression: rt.Now() and rt.CurrentHandle() inside an async function
// were suspension points (awaits of NowAsync and CurrentHandleAsync, whose
// futures are ready at once): the operands around them were spilled and a
// loop holding one was taken apart into states. They are now calls of the
// poll's Context, cx.Now() and cx.Handle(), where they stand: the clock and
// the runtime of the poll, as the twins' futures read them, in Go's order
// of evaluation.
package main

import (
	"fmt"
	"time"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// note prints its tag: it shows where the lowering evaluates an operand.
func note(tag string) int {
	fmt.Println("eval", tag)
	return len(tag)
}

//async:func
func Square(n int) int {
	rt.YieldNow()
	return n * n
}

// since reports whether t is at or after base: an operand that takes a
// clock reading.
func since(base, t time.Time, tag string) bool {
	fmt.Println("since", tag)
	return !t.Before(base)
}

// Stamps reads the clock in a loop that holds no other suspension point,
// which is kept as written.
//
//async:func
func Stamps(n int) []time.Time {
	var ts []time.Time
	for range n {
		ts = append(ts, rt.Now())
	}
	return ts
}

//async:func
func Main() {
	t0 := rt.Now()
	ts := Stamps(3)
	ordered := true
	for i, t := range ts {
		if t.Before(t0) || i > 0 && t.Before(ts[i-1]) {
			ordered = false
		}
	}
	fmt.Println("stamps", len(ts), ordered)

	// Operands left and right of a clock reading, with a suspension
	// point to their right.
	ok := since(t0, rt.Now(), "left") && note("mid") > 0 && Square(note("sq")) == 4
	fmt.Println("order", ok)

	// The clock after a sleep has moved by at least the sleep.
	rt.Sleep(2 * time.Millisecond)
	fmt.Println("slept", rt.Now().Sub(t0) >= 2*time.Millisecond)

	// A handle on the runtime running the function (the default runtime
	// in direct mode): spawn onto it and join.
	h := rt.CurrentHandle()
	j := rt.SpawnOn(h.Runtime(), SquareAsync(note("handle")))
	v, err := j.Join()
	fmt.Println("handle", h.Runtime() != nil, v, err)
}
