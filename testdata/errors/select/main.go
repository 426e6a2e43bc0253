package main

import "github.com/corio-go/corio/rt"

func main() { Main(make(chan int, 1)) }

//async:func
func Main(ch chan int) {
	rt.YieldNow()
	select {
	case ch <- 1:
	default:
	}
}
