package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Check(n int) int {
	rt.YieldNow()
	if n > 0 {
		return n
	}
	panic("non-positive")
}

//async:func
func Main() { fmt.Println(Check(4)) }
