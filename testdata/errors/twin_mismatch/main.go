package main

import (
	"fmt"

	"github.com/corio-go/corio/rt"
)

func main() { Main() }

func Get(n int) int { return n }

// GetAsync is meant as Get's twin but takes a different parameter type.
func GetAsync(n int64) rt.Future[int] { return rt.Ready(int(n)) }

//async:func
func Main() {
	fmt.Println(Get(1))
	rt.YieldNow()
}
