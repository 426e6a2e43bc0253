package main

import "github.com/corio-go/corio/rt"

func main() { Nine() }

//async:func
func Nine() (a, b, c, d, e, f, g, h, i int) {
	rt.YieldNow()
	return
}
