package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type C struct{ N int }

// Next suspends; in direct mode on a runtime goroutine rt.Await of a pending
// future panics, so a call that is not lowered to NextAsync shows.
//
//async:func
func (c *C) Next() *C {
	rt.Await(rt.YieldNowAsync())
	c.N++
	return c
}

//async:func
func Main() {
	c := &C{}
	fmt.Println(c.Next().Next().N)
}
