package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	rt.YieldNow()
	fmt.Println(recover())
}
