package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() {
	ch := make(chan int)
	close(ch)
	Main(ch)
}

//async:func
func Main(ch chan int) {
	for v := range ch {
		rt.YieldNow()
		fmt.Println(v)
	}
}
