package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() {
	ch := make(chan int, 1)
	ch <- 1
	Main(ch)
}

//async:func
func Main(ch chan int) {
	rt.YieldNow()
	v := <-ch
	fmt.Println(v)
}
