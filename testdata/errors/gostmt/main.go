package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func V() int {
	rt.YieldNow()
	return 1
}

//async:func
func Main() {
	go fmt.Println(V())
}
