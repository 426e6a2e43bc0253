package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Twice(x int) int {
	rt.YieldNow()
	return 2 * x
}

// Main mixes local constants, variables and labels whose names collide once
// scopes are flattened into one Poll method.
//
//async:func
func Main() {
	const n = 3
	total := 0
	for i := 0; i < n; i++ {
		const n = 10 // shadows the outer constant
		total += Twice(i) + n
	}
	{
		n := "var n"
		fmt.Println(n, Twice(1))
	}
	fmt.Println("total", total, n)
poll:
	for i := range 3 {
		for j := 0; j < 3; j++ {
			if j == i {
				continue poll
			}
			fmt.Println("pair", i, j)
		}
	}
	state, fut, cx := 1, 2, 3
	fmt.Println(Twice(state), fut, cx)
}
