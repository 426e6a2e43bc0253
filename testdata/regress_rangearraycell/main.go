package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

// Main ranges, without a value variable, over an array held in a per-iteration
// cell (a closure captures it): found by the random differential test, the
// generated code did not compile.
//
//async:func
func Main() {
	var fs []func() int
	for i := range 2 {
		arr := [2]int{i, 5}
		fs = append(fs, func() int { return arr[0] })
		for k := range arr {
			rt.YieldNow()
			fmt.Println("k", k)
		}
		for range &arr {
			rt.YieldNow()
		}
	}
	fmt.Println(fs[0](), fs[1]())
}
