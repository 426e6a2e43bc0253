package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

//async:func
func Main() {
	defer fmt.Println("bye")
	defer rt.YieldNow()
}
