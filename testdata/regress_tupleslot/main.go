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

// Main: zero, m and k each live across a suspension point, never two at
// once, so fields may be shared among them. In zero, m = Num(1), k the write
// to zero is dead and k dies there: if all three took one field, the
// statement would print as s, s = r, s, whose self-assignment is left out,
// and zero's write would clobber m (found by the random programs, seed 352,
// whose statement was zero, m = F(), m; cmd/asyncgen's
// TestSlotTupleSelfAssign runs that shape, which go vet rejects here).
//
//async:func
func Main() {
	for zero := range 1 {
		m := Num(4) + zero
		k := m
		zero, m = Num(1), k
		rt.YieldNow()
		fmt.Println(m)
	}
}
