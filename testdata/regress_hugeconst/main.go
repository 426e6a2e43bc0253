// Regression: a local constant too large or too small for go/constant to
// hold as a fraction (1e646456992, 1e-5000) is written exactly, in
// hexadecimal, not as "unknown.0 / unknown" (fixedbugs/issue11326b).
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	const n = 1e646456992
	const d = 1e646456991
	rt.YieldNow()
	x := n / d
	fmt.Println(x, x == 10.0)
	const (
		tiny = -1e-5000
		neg  = -1e5000
		c    = 1e5000i
	)
	rt.YieldNow()
	var f float64 = tiny * neg
	fmt.Println(f, c/1e4999i, neg/-1e4998)
	const (
		a float64 = 1e400 / 1e399
		b
	)
	rt.YieldNow()
	fmt.Println(a, b)
}
