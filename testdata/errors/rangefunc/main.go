package main

import (
	"fmt"
	"slices"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	for i, v := range slices.All([]int{1, 2}) {
		rt.YieldNow()
		fmt.Println(i, v)
	}
}
