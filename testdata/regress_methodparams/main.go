package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type C struct{ N int }

//async:func
func (c *C) Add(by int) int {
	rt.YieldNow()
	c.N += by
	return c.N
}

//async:func
func Main() {
	c := &C{}
	fmt.Println(c.Add(2))
}
