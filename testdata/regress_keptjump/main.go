// Regression: a statement kept as written (no suspension point in it) that
// jumps out to lowered code, such as if n < 3 { goto top }, left its block
// in the middle, but liveness saw the jump only at the block's end: a
// variable that the jump's target reads and that the code after the
// statement assigns looked dead across the statement and before it, so its
// field was shared with a variable of a loop in between (found by the random
// programs, seed 83300: zero printed a range loop's index). The code after
// such a statement now starts a block of its own.
package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func A(n int) int {
	rt.YieldNow()
	return n
}

//async:func
func F(z int) {
	zero := A(z)
	{
		gc := 0
	G1:
		{
			fmt.Println("zero", zero)
			for i, k := range []int{A(5), zero} {
				A(i)
				fmt.Println(i, k)
			}
		}
		gc++
		if gc < 3 {
			goto G1
		}
	}
	zero = 7
	fmt.Println(zero)
}

//async:func
func Main() {
	F(-4)
	F2(-4)
	F3(-4)
	F4(-4)
}

//async:func
func F2(z int) {
	zero := A(z)
	gc := 0
G1:
	fmt.Println("zero", zero)
	for i, k := range []int{A(5), zero} {
		A(i)
		fmt.Println(i, k)
	}
	gc++
	if gc < 3 {
		goto G1
	}
	zero = 7
	fmt.Println(zero)
}

//async:func
func F3(z int) {
	zero := A(z)
	for gc := 0; gc < 3; gc++ {
		fmt.Println("zero", zero)
		for i, k := range []int{A(5), zero} {
			A(i)
			fmt.Println(i, k)
		}
	}
	zero = 7
	fmt.Println(zero)
}

//async:func
func F4(z int) {
	zero := A(z)
	gc := 0
G1:
	fmt.Println("zero", zero)
	for i := 0; i < 2; i++ {
		A(i)
	}
	gc++
	if gc < 3 {
		goto G1
	}
	zero = 7
	fmt.Println(zero)
}
