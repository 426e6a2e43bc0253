package main

import (
	"fmt"
	"slices"

	"github.com/corio-go/corio/rt"
)

func main() { Main(make(chan int, 1)) }

//async:func
func Main(ch chan int) int {
	for i, v := range slices.All([]int{1, 2}) {
		rt.YieldNow()
		select {
		case ch <- v:
			return i
		default:
		}
		fmt.Println(i, v)
	}
	return 0
}
