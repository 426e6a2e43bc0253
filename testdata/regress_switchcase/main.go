// Lowered expression switches whose case expressions are comparisons
// (switch true { case i < 5: }, compared with the tag as tag == (i < 5))
// or, in a tagless switch, of interface type (case i:, compared with true),
// or composite literals (if (tag == T{0, 1}) {).
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Y(s string) {
	rt.YieldNow()
	fmt.Println(s)
}

type B bool

//async:func
func Main() {
	for _, i := range []int{3, 5, 7} {
		switch true {
		case i < 5:
			Y("<")
		case i == 5, i != i:
			Y("==")
		case i > 5 && i < 10:
			Y(">")
		}
		switch x := 5; B(i > x) {
		case i < 4 || i > 6:
			Y("outside")
		default:
			Y("inside")
		}
	}
	// Composite literals of a named type as cases (Go's
	// test/fixedbugs/issue8947.go): the if that compares them encloses them.
	type T [2]int
	for _, p := range []T{{0, 1}, {1, 1}} {
		switch p {
		case T{0, 0}:
			Y("wrong")
		case T{0, 1}:
			Y("01")
		default:
			Y("default")
		}
		switch {
		case T{1, 1} == p:
			Y("11")
		}
	}
	for _, v := range []any{true, false, 1, B(true), nil} {
		switch i := v; {
		case i:
			Y(fmt.Sprint("true ", v))
		case false:
			Y("never")
		case v == nil:
			Y("nil")
		default:
			Y(fmt.Sprint("default ", v))
		}
	}
}
