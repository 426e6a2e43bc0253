package main

import "github.com/corio-go/corio/rt"

func main() { Main(make(chan int)) }

//async:func
func Main(ch chan int) {
	rt.YieldNow()
	select {
	case ch <- 1:
	case v := <-ch:
		_ = v
	}
}
