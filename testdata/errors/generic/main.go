package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { fmt.Println(Id(1)) }

//async:func
func Id[T any](v T) T {
	rt.YieldNow()
	return v
}
