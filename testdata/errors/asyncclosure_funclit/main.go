package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

//async:func
func Main() {
	rt.Await(rt.AsyncDo(func() {
		f := func() {
			rt.YieldNow()
		}
		f()
	}))
	g := func() {
		rt.Await(rt.Async(func() int {
			rt.YieldNow()
			return 1
		}))
	}
	g()
}
