package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	var pa *[3]int // nil: range with key only never dereferences it
	for i := range pa {
		rt.YieldNow()
		fmt.Println(i)
	}
}
