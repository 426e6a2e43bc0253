package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

var g int

//async:func
func SetG(v int) int { rt.YieldNow(); g = v; return v }

//async:func
func Bo(b bool) bool { rt.YieldNow(); return b }

//async:func
func A(n int) int { rt.YieldNow(); return n }

func Sel(b bool, x, y int) int {
	if b {
		return x
	}
	return y
}

func Pb(s string, b bool) bool { fmt.Println("called", s); return b }

// Main: found by the random differential test. gc evaluates a && b that is
// an operand into a temporary, in order, before the calls to its right; and
// a short-circuited right operand must not run its calls, even when a
// suspension point follows in the same expression.
//
//async:func
func Main() {
	r := 0
	g = 9
	fmt.Println("&&:", Sel(6 <= g && r == 0, 1, SetG(5)))
	g = 9
	fmt.Println("||:", Sel(g == 9 || r == 1, 1, SetG(5)))
	fmt.Println(Bo(false) && Pb("and-right", true), A(1))
	fmt.Println(Bo(true) || Pb("or-right", true), A(2))
	fmt.Println(Bo(true) && Pb("and-right-runs", true), A(3))
}
