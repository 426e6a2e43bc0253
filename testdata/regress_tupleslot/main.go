package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Num(n int) int {
	rt.YieldNow()
	return n
}

// Main: zero and m both live across a suspension point, never at the same
// time, so they may share a field of the future; but zero's write in the
// tuple assignment is dead and m's is a self-assignment (dropped), so if
// zero took m's field the write would clobber m (found by the random
// programs, seed 352: async printed 1 where direct printed 4).
//
//async:func
func Main() {
	for zero := range 1 {
		m := Num(4) + zero
		zero, m = Num(1), m
		fmt.Println(m)
	}
}
