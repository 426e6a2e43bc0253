package main

import (
	"time"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	rt.Await(rt.AsyncDo(func() {
		rt.YieldNow()
		time.Sleep(time.Millisecond)
		rt.Async(func() int { return 1 })
	}))
}
