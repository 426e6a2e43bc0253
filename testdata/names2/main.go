package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

//async:func
func Pair(n int) (int, int) {
	rt.YieldNow()
	return n, n + 1
}

//async:func
func Main() {
	{
		rt := "local rt"
		a, b := Pair(1)
		fmt.Println(rt, a, b)
	}
	{
		fmt := 3
		a, b := Pair(fmt)
		println2(a, b)
	}
}

func println2(a ...any) { fmt.Println(a...) }
