package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Main() {
	var idx int
	sl := []int{0, 0, 0}
	for idx, sl[idx] = range []int{7, 8, 9} {
		rt.YieldNow()
	}
	fmt.Println(idx, sl)
}
