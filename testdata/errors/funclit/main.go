package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

//async:func
func Main() {
	f := func() {
		rt.YieldNow()
	}
	f()
}
