// Lowered expression switches whose case expressions are comparisons
// (switch true { case i < 5: }, compared with the tag as tag == (i < 5))
// or, in a tagless switch, of interface type (case i:, compared with true).
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
