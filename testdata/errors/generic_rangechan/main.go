package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { fmt.Println(Drain(make(chan int))) }

// Drain ranges over a channel through a type parameter: it blocks as a
// range over the channel itself would.
//
//async:func
func Drain[C ~chan int](c C) int {
	n := 0
	for x := range c {
		n += x
	}
	rt.YieldNow()
	return n
}
