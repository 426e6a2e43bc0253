package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Parameters and locals named like the generator's own identifiers.
//
//async:func
func Clash(fut, cx, state, ready, zero int) (r int) {
	aw0 := fut + cx
	r_2 := state * ready
	rt.YieldNow()
	i_2, seq, next, size, rn := 1, 2, 3, 4, 5
	rt.YieldNow()
	r = aw0 + r_2 + zero + i_2 + seq + next + size + rn
	return
}

//async:func
func Unnamed(_ int, b int, _ string) (int, string) {
	rt.YieldNow()
	return b, "u"
}

//async:func
func Variadic(prefix string, xs ...int) string {
	rt.YieldNow()
	return fmt.Sprint(prefix, len(xs), xs)
}

//async:func
func NoBody() {}

//async:func
func NoSuspend(x int) int { return x * 3 }

//async:func
func EarlyReturn(n int) {
	for i := 0; i < 10; i++ {
		if i == n {
			fmt.Println("early", i)
			return
		}
		rt.YieldNow()
	}
	fmt.Println("full")
}

type mainFuture2 struct{}

//async:func
func Main() {
	fmt.Println("clash", Clash(1, 2, 3, 4, 5))
	a, b := Unnamed(1, 2, "x")
	fmt.Println("unnamed", a, b)
	fmt.Println("variadic", Variadic("p"), Variadic("q", 1, 2), Variadic("r", []int{4, 5, 6}...))
	xs := []int{7}
	fmt.Println("variadic spread var", Variadic("s", xs...))
	NoBody()
	fmt.Println("nosuspend", NoSuspend(4))
	EarlyReturn(2)
	EarlyReturn(20)

	// locals named like generated ones and like packages
	cx := 1
	fut := 2
	state := 3
	ready := true
	zero := "z"
	rt.YieldNow()
	fmt.Println("locals", cx, fut, state, ready, zero)
	var _ mainFuture2
	var r, r_2, aw0 int = 4, 5, 6
	rt.YieldNow()
	fmt.Println("locals2", r, r_2, aw0)
	var fmt_ = fmt.Sprint
	rt.YieldNow()
	fmt.Println(fmt_("fmt_", 1))
	for i := 0; i < 2; i++ {
		seq := []int{i}
		rt.YieldNow()
		fmt.Println("seq", seq)
	}
	{
		rt := "shadowed rt"
		fmt.Println(rt)
	}
	rt.YieldNow()
	fmt.Println("done")
}
