package main

import (
	"fmt"

	"github.com/corio-go/corio/internal/difftest"
	"github.com/corio-go/corio/rt"
)

func main() { difftest.Main(func() { Main() }, func() { rt.Run(MainAsync()) }) }

type C struct{ N int }

// Add suspends through rt.Await, which panics in direct mode on a runtime
// thread, so a call of Add left unlowered in MainAsync shows.
//
//async:func
func (c *C) Add(n int) int {
	rt.Await(rt.YieldNowAsync())
	c.N += n
	return c.N
}

//async:func
func Main() {
	c := &C{}
	// a method expression call of Add: its twin (*C).AddAsync exists
	fmt.Println((*C).Add(c, 2))
}
