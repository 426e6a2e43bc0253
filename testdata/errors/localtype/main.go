package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	type pair struct{ a, b int }
	rt.YieldNow()
	fmt.Println(pair{1, 2})
}
