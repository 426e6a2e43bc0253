package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	// a func literal capturing the loop variable, in the loop condition
	for i := 0; func() bool { return i < 2 }(); i++ {
		rt.YieldNow()
		fmt.Println("loop", i)
	}
	// a func literal capturing a variable, in an if condition
	x := 1
	rt.YieldNow()
	if func() bool { return x > 0 }() {
		fmt.Println("if", x)
	}
}
