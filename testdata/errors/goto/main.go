package main

import "github.com/corio-go/corio/rt"

func main() { Main() }

//async:func
func Main() {
	i := 0
loop:
	rt.YieldNow()
	i++
	if i < 3 {
		goto loop
	}
}
