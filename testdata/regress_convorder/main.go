// Regression: a conversion whose operand is a plain call with a suspending
// argument, left of another suspension point (found by the random programs,
// seeds 83003, 83049, 83120, 83278, 83411): gc evaluates the call into a
// temporary where it stands, but the lowering spilled only operands that gc
// evaluates early themselves, which a conversion is not, so the plain call
// stayed inside the conversion and ran after the suspension point to its
// right (int(P(A())) + A() ran P last). The calls inside a conversion (or a
// builtin that gc leaves in place) are now spilled in order.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func A(tag string, n int) int {
	fmt.Println("A", tag)
	rt.YieldNow()
	return n
}

func P(tag string, n int) int {
	fmt.Println("P", tag)
	return n
}

//async:func
func Main() {
	x := int(int8(P("p1", A("a1", 1)))) + A("b1", 2)
	fmt.Println(x)
	y := P("p2", A("a2", 1)) + A("b2", 2)
	fmt.Println(y)
	z := int(P("p3", A("a3", 1))) + A("b3", 2)
	fmt.Println(z)
	var f float64 = float64(P("p4", A("a4", 1))) + float64(A("b4", 2))
	fmt.Println(f)
	type I int
	w := I(P("p5", A("a5", 1))) + I(A("b5", 2))
	fmt.Println(w)
	q := any(P("p6", A("a6", 1))) == any(A("b6", 2))
	fmt.Println(q)
	r := (P("p7", A("a7", 1))) + A("b7", 2)
	fmt.Println(r)
}
